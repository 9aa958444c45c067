using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace UrgeShipment.Durable;

/// <summary>Timers, activities and the deadline sweeper.</summary>
public sealed partial class DurableRuntime<TState, TCommand, TEvent>
{
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);
    private static readonly TimeSpan MaxQueueDelay = TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1);

    /// <summary>Test seam: called whenever a failed activity is scheduled for retry (key, attempt, delay).</summary>
    internal Action<string, int, TimeSpan>? RetryScheduled { get; set; }

    /// <summary>
    /// Fires every deadline that is due by the runtime clock and still pending (its message was lost, delayed, or the
    /// clock jumped), and deletes index rows whose timer is no longer pending. Returns how many timers it fired.
    /// </summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var now = _clock.GetUtcNow();
        var fired = 0;
        var deletions = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey le {Bucket(now)}");
        await foreach (var row in _deadlines.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            var dueTicks = row.GetInt64("DueTicks") ?? 0;
            if (dueTicks > now.UtcTicks)
            {
                continue;
            }

            var instanceId = row.GetString("InstanceId") ?? "";
            var key = row.GetString("TimerKey") ?? "";
            var expected = row.GetInt64("ExpectedVersion") ?? 0;
            var entry = await GetEntryAsync(instanceId, expected, ct).ConfigureAwait(false);
            if (entry.Version < expected)
            {
                if (now - (row.GetDateTimeOffset("CreatedAt") ?? default) < _options.OrphanGrace)
                {
                    continue;
                }

                Delete(row);
                continue;
            }

            var timer = _decider.Timers(entry.State).FirstOrDefault(t => t.Key == key && t.DueAt.UtcTicks == dueTicks);
            if (timer is not null)
            {
                CommandResult<TState, TEvent> result;
                try
                {
                    result = await FireAsync(instanceId, timer, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RequestFailedException or DurableConcurrencyException)
                {
                    Log.SweepFireFailed(_logger, ex, instanceId, key);
                    continue;
                }

                fired++;
                Statistics.Swept();
                if (result.State is { } state && _decider.Timers(state).Any(t => t.Key == key && t.DueAt.UtcTicks == dueTicks))
                {
                    continue;
                }
            }

            Delete(row);
        }

        foreach (var (partition, keys) in deletions)
        {
            foreach (var chunk in keys.Chunk(100))
            {
                try
                {
                    await _deadlines.SubmitTransactionAsync(
                        chunk.Select(rk => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, rk), ETag.All)), ct).ConfigureAwait(false);
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    foreach (var rk in chunk)
                    {
                        await _deadlines.DeleteEntityAsync(partition, rk, ETag.All, ct).ConfigureAwait(false);
                    }
                }
            }
        }

        return fired;

        void Delete(TableEntity row)
        {
            if (!deletions.TryGetValue(row.PartitionKey, out var keys))
            {
                deletions[row.PartitionKey] = keys = [];
            }

            keys.Add(row.RowKey);
        }
    }

    // ---- messages a commit adds and supersedes ----

    private sealed record Plan(IReadOnlyList<DurableTimer> AddedTimers, IReadOnlyList<DurableTimer> Superseded, IReadOnlyList<ActivityRequest> AddedActivities)
    {
        public static Plan Empty { get; } = new([], [], []);
    }

    private sealed record Sent(IReadOnlyList<(QueueClient Queue, string MessageId, string PopReceipt)> Messages, IReadOnlyList<KeyValuePair<string, TimerReceipt>> Receipts, int Activities)
    {
        public static Sent None { get; } = new([], [], 0);
    }

    private Plan PlanMessages(TState before, TState after)
    {
        var oldTimers = _decider.Timers(before);
        var newTimers = _decider.Timers(after);
        var oldActivities = _decider.PendingActivities(before).Select(a => a.IdempotencyKey).ToHashSet(StringComparer.Ordinal);
        return new Plan(
            [.. newTimers.Where(t => !oldTimers.Any(o => SameTimer(o, t)))],
            [.. oldTimers.Where(o => !newTimers.Any(t => SameTimer(o, t)))],
            [.. _decider.PendingActivities(after).Where(a => !oldActivities.Contains(a.IdempotencyKey))]);
    }

    private static bool SameTimer(DurableTimer a, DurableTimer b) =>
        string.Equals(a.Key, b.Key, StringComparison.Ordinal) && a.DueAt.UtcTicks == b.DueAt.UtcTicks;

    /// <summary>Enqueues (before the commit) the wake-ups and activities the commit at <paramref name="version"/> adds.</summary>
    private async Task<Sent> SendAsync(string instanceId, long version, Plan plan, DateTimeOffset now, CancellationToken ct)
    {
        if (plan.AddedTimers.Count == 0 && plan.AddedActivities.Count == 0)
        {
            return Sent.None;
        }

        var timerTasks = plan.AddedTimers.Select(async timer =>
        {
            var wake = new WakeMessage(instanceId, version, timer.Key, timer.DueAt, null, now);
            var sendTask = _timerQueue.SendMessageAsync(JsonSerializer.Serialize(wake), TimerVisibility(timer.DueAt, now), NeverExpires, ct);
            var indexTask = _deadlines.UpsertEntityAsync(DeadlineEntity(instanceId, version, timer, now), TableUpdateMode.Replace, ct);
            await Task.WhenAll(sendTask, indexTask).ConfigureAwait(false);
            KnownDueTimes.Add(timer.DueAt);
            var receipt = (await sendTask.ConfigureAwait(false)).Value;
            return KeyValuePair.Create(ReceiptKey(timer), new TimerReceipt(timer.Key, timer.DueAt.UtcTicks, receipt.MessageId, receipt.PopReceipt));
        }).ToList();
        var activityTasks = plan.AddedActivities.Select(async activity =>
        {
            var wake = new WakeMessage(instanceId, version, activity.IdempotencyKey, null, activity.Name, now);
            var receipt = (await _activityQueue.SendMessageAsync(JsonSerializer.Serialize(wake), TimeSpan.Zero, NeverExpires, ct).ConfigureAwait(false)).Value;
            return (_activityQueue, receipt.MessageId, receipt.PopReceipt);
        }).ToList();

        var receipts = await Task.WhenAll(timerTasks).ConfigureAwait(false);
        var activities = await Task.WhenAll(activityTasks).ConfigureAwait(false);
        var messages = receipts.Select(r => (_timerQueue, r.Value.MessageId, r.Value.PopReceipt)).Concat(activities).ToList();
        return new Sent(messages, receipts, activities.Length);
    }

    private static TableEntity DeadlineEntity(string instanceId, long version, DurableTimer timer, DateTimeOffset now) =>
        new(Bucket(timer.DueAt), DeadlineRowKey(instanceId, timer))
        {
            ["InstanceId"] = instanceId,
            ["TimerKey"] = timer.Key,
            ["DueAt"] = timer.DueAt,
            ["DueTicks"] = timer.DueAt.UtcTicks,
            ["ExpectedVersion"] = version,
            ["CreatedAt"] = now,
        };

    internal static string Bucket(DateTimeOffset due) => due.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    internal static string DeadlineRowKey(string instanceId, DurableTimer timer) =>
        KeyEscaping.Escape(instanceId) + "|" + KeyEscaping.Escape(timer.Key) + "|" + timer.DueAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>The queue delay that wakes a timer: due − now, at most one chunk, rounded up to whole seconds (never early).</summary>
    internal TimeSpan TimerVisibility(DateTimeOffset due, DateTimeOffset now)
    {
        var remaining = due - now;
        if (remaining <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var chunk = remaining < _options.MaxTimerChunk ? remaining : _options.MaxTimerChunk;
        var seconds = (chunk.Ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        var delay = TimeSpan.FromSeconds(seconds);
        return delay < MaxQueueDelay ? delay : MaxQueueDelay;
    }

    private async Task DeleteSentAsync(Sent sent, CancellationToken ct)
    {
        foreach (var (queue, messageId, popReceipt) in sent.Messages)
        {
            await DeleteQuietlyAsync(queue, messageId, popReceipt, ct).ConfigureAwait(false);
        }
    }

    /// <summary>After a commit: deletes the wake-ups of not-yet-due timers the new state no longer waits for (by send receipt).</summary>
    private async Task DeleteSupersededAsync(Plan plan, ImmutableDictionary<string, TimerReceipt> receipts, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        foreach (var timer in plan.Superseded)
        {
            if (timer.DueAt <= now)
            {
                // Due: its wake-up is being (or was) received, so the send receipt no longer deletes it; on arrival it is dropped.
                continue;
            }

            if (receipts.TryGetValue(ReceiptKey(timer), out var receipt))
            {
                await DeleteQuietlyAsync(_timerQueue, receipt.MessageId, receipt.PopReceipt, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task DeleteQuietlyAsync(QueueClient queue, string messageId, string popReceipt, CancellationToken ct)
    {
        try
        {
            await queue.DeleteMessageAsync(messageId, popReceipt, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            // Already received (the pop receipt changed) or gone: its arrival is validated and dropped anyway.
        }
        catch (RequestFailedException ex)
        {
            Log.DeleteFailed(_logger, ex, queue.Name, messageId);
        }
    }

    // ---- arrivals ----

    private async Task<CommandResult<TState, TEvent>> FireAsync(string instanceId, DurableTimer timer, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        var result = await ExecuteAsync(instanceId, DurableCommandIds.Timer(timer), _decider.OnTimerDue(timer, now), ct).ConfigureAwait(false);
        if (result.Outcome == CommandOutcome.Applied)
        {
            Statistics.TimerFired(now - timer.DueAt);
        }

        return result;
    }

    /// <summary>Handles one timer wake-up: validates it, re-enqueues it while early, fires it when due.</summary>
    internal async Task HandleTimerMessageAsync(QueueMessage message, CancellationToken ct)
    {
        var wake = Parse(message);
        if (wake?.DueAt is not { } due)
        {
            Log.Malformed(_logger, _timerQueue.Name, message.MessageId);
            await DeleteQuietlyAsync(_timerQueue, message.MessageId, message.PopReceipt, ct).ConfigureAwait(false);
            return;
        }

        var entry = await GetEntryAsync(wake.InstanceId, wake.ExpectedVersion, ct).ConfigureAwait(false);
        var now = _clock.GetUtcNow();
        if (entry.Version < wake.ExpectedVersion)
        {
            await UncommittedAsync(_timerQueue, message, wake, now, ct).ConfigureAwait(false);
            return;
        }

        var timer = _decider.Timers(entry.State).FirstOrDefault(t => t.Key == wake.Key && t.DueAt.UtcTicks == due.UtcTicks);
        if (timer is null)
        {
            Statistics.Stale();
            await DeleteQuietlyAsync(_timerQueue, message.MessageId, message.PopReceipt, ct).ConfigureAwait(false);
            return;
        }

        if (now < timer.DueAt)
        {
            // Early (a chunk of a long timer, or a clock that runs slower than the queue's): sleep the remainder.
            KnownDueTimes.Add(timer.DueAt);
            await _timerQueue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimerVisibility(timer.DueAt, now), cancellationToken: ct).ConfigureAwait(false);
            return;
        }

        await FireAsync(wake.InstanceId, timer, ct).ConfigureAwait(false);
        await HookAsync(HookPoints.BeforeMessageDelete, wake.InstanceId, ct).ConfigureAwait(false);
        await DeleteQuietlyAsync(_timerQueue, message.MessageId, message.PopReceipt, ct).ConfigureAwait(false);
    }

    /// <summary>Handles one activity delivery: validates it, runs the handler, commits the result, retries with backoff or poisons.</summary>
    internal async Task HandleActivityMessageAsync(QueueMessage message, CancellationToken ct)
    {
        var wake = Parse(message);
        if (wake is null)
        {
            Log.Malformed(_logger, _activityQueue.Name, message.MessageId);
            await DeleteQuietlyAsync(_activityQueue, message.MessageId, message.PopReceipt, ct).ConfigureAwait(false);
            return;
        }

        var entry = await GetEntryAsync(wake.InstanceId, wake.ExpectedVersion, ct).ConfigureAwait(false);
        var now = _clock.GetUtcNow();
        if (entry.Version < wake.ExpectedVersion)
        {
            await UncommittedAsync(_activityQueue, message, wake, now, ct).ConfigureAwait(false);
            return;
        }

        var request = _decider.PendingActivities(entry.State).FirstOrDefault(a => a.IdempotencyKey == wake.Key);
        if (request is null)
        {
            Statistics.Stale();
            await DeleteQuietlyAsync(_activityQueue, message.MessageId, message.PopReceipt, ct).ConfigureAwait(false);
            return;
        }

        var maxDequeue = _options.Queues.MaxDequeueCount;
        var attempt = wake.Attempts(message.DequeueCount);
        if (attempt > maxDequeue)
        {
            await PoisonAsync(message, wake, request, $"Delivered {attempt} times (max {maxDequeue}) without completing.", ct).ConfigureAwait(false);
            return;
        }

        string result;
        Statistics.ActivityRun();
        try
        {
            if (!_handlers.TryGetValue(request.Name, out var handler))
            {
                throw new InvalidOperationException($"No IActivityHandler is registered for activity '{request.Name}'.");
            }

            result = await handler.RunAsync(new ActivityContext(wake.InstanceId, request, attempt), ct).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // An activity handler's failure of any kind is retried and finally poisoned, never lost.
        catch (Exception ex) when (!ct.IsCancellationRequested)
#pragma warning restore CA1031
        {
            Statistics.ActivityFailed();
            var failure = ex.GetType().Name + ": " + ex.Message;
            if (attempt >= maxDequeue)
            {
                await PoisonAsync(message, wake, request, failure, ct).ConfigureAwait(false);
                return;
            }

            var delay = RetryDelay(attempt);
            Log.ActivityRetry(_logger, ex, request.Name, wake.InstanceId, attempt, delay);
            RetryScheduled?.Invoke(request.IdempotencyKey, attempt, delay);
            await _activityQueue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: delay, cancellationToken: ct).ConfigureAwait(false);
            return;
        }

        await ExecuteAsync(wake.InstanceId, DurableCommandIds.Activity(request), _decider.OnActivityCompleted(request, result, _clock.GetUtcNow()), ct).ConfigureAwait(false);
        await HookAsync(HookPoints.BeforeMessageDelete, wake.InstanceId, ct).ConfigureAwait(false);
        await DeleteQuietlyAsync(_activityQueue, message.MessageId, message.PopReceipt, ct).ConfigureAwait(false);
    }

    /// <summary>Exponential retry delay of a failed attempt: base × 2^(attempt−1), capped.</summary>
    internal TimeSpan RetryDelay(int attempt)
    {
        var queues = _options.Queues;
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(queues.RetryBase.Ticks * factor, queues.MaxRetryDelay.Ticks));
        var seconds = (delay.Ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        return TimeSpan.FromSeconds(Math.Max(1, seconds));
    }

    private async Task PoisonAsync(QueueMessage message, WakeMessage wake, ActivityRequest request, string failure, CancellationToken ct)
    {
        var poison = JsonSerializer.Serialize(new PoisonMessage(wake, failure, message.DequeueCount));
        await _poisonQueue.SendMessageAsync(poison, TimeSpan.Zero, NeverExpires, ct).ConfigureAwait(false);
        Statistics.ActivityPoisoned();
        Log.ActivityPoisoned(_logger, request.Name, wake.InstanceId, failure);
        var command = _decider.OnActivityPoisoned(request, failure, _clock.GetUtcNow());
        var commandId = "activity-poisoned:" + request.IdempotencyKey + ":" + wake.ExpectedVersion.ToString(CultureInfo.InvariantCulture);
        await ExecuteAsync(wake.InstanceId, commandId, command, ct).ConfigureAwait(false);
        await HookAsync(HookPoints.BeforeMessageDelete, wake.InstanceId, ct).ConfigureAwait(false);
        await DeleteQuietlyAsync(_activityQueue, message.MessageId, message.PopReceipt, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The commit this message expects has not landed (yet). Young: look again shortly (its commit may be in flight).
    /// Older than <see cref="DurableOptions.OrphanGrace"/>: the commit never happened; drop it.
    /// </summary>
    private async Task UncommittedAsync(QueueClient queue, QueueMessage message, WakeMessage wake, DateTimeOffset now, CancellationToken ct)
    {
        if (now - wake.CreatedAt < _options.OrphanGrace)
        {
            // Counted as early, so looking again does not use up an activity's retries.
            var early = JsonSerializer.Serialize(wake with { EarlyDeliveries = wake.EarlyDeliveries + 1 });
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, early, _options.OrphanRecheckDelay, ct).ConfigureAwait(false);
            return;
        }

        Statistics.OrphanDropped();
        Log.OrphanDropped(_logger, queue.Name, wake.InstanceId, wake.ExpectedVersion);
        await DeleteQuietlyAsync(queue, message.MessageId, message.PopReceipt, ct).ConfigureAwait(false);
    }

    /// <summary>After an unexpected failure: make the message visible again after the retry base.</summary>
    internal async Task AbandonAsync(QueueClient queue, QueueMessage message, Exception error, CancellationToken ct)
    {
        Log.MessageFailed(_logger, error, queue.Name, message.MessageId);
        try
        {
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: RetryDelay(1), cancellationToken: ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            Log.DeleteFailed(_logger, ex, queue.Name, message.MessageId);
        }
    }

    private async Task HookAsync(string point, string instanceId, CancellationToken ct)
    {
        if (Hook is { } hook)
        {
            await hook(point, instanceId, ct).ConfigureAwait(false);
        }
    }

    private static WakeMessage? Parse(QueueMessage message)
    {
        try
        {
            return JsonSerializer.Deserialize<WakeMessage>(message.MessageText);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record PoisonMessage(WakeMessage Message, string Failure, long DequeueCount);
}

/// <summary>The deterministic command ids the runtime executes for timers and activities: a double delivery has one effect.</summary>
public static class DurableCommandIds
{
    /// <summary>The deterministic command id of a timer's firing: a double delivery has one effect.</summary>
    public static string Timer(DurableTimer timer)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return "timer:" + timer.Key + ":" + timer.DueAt.UtcTicks.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The deterministic command id recording an activity's result.</summary>
    public static string Activity(ActivityRequest activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return "activity:" + activity.IdempotencyKey;
    }
}

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Commit conflict on {InstanceId} for {CommandId} (attempt {Attempt}, status {Status}); retrying")]
    public static partial void CommitConflict(ILogger logger, string instanceId, string commandId, int attempt, int status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Projection {Projection} failed for {InstanceId} at version {Version}")]
    public static partial void ProjectionFailed(ILogger logger, Exception exception, string projection, string instanceId, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped orphan message on {Queue} for {InstanceId}: version {ExpectedVersion} was never committed")]
    public static partial void OrphanDropped(ILogger logger, string queue, string instanceId, long expectedVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activity {Activity} of {InstanceId} failed (attempt {Attempt}); retrying in {Delay}")]
    public static partial void ActivityRetry(ILogger logger, Exception exception, string activity, string instanceId, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Activity {Activity} of {InstanceId} moved to the poison queue: {Failure}")]
    public static partial void ActivityPoisoned(ILogger logger, string activity, string instanceId, string failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Malformed message {MessageId} on {Queue} deleted")]
    public static partial void Malformed(ILogger logger, string queue, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete message {MessageId} on {Queue}")]
    public static partial void DeleteFailed(ILogger logger, Exception exception, string queue, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing message {MessageId} on {Queue} failed; it will be retried")]
    public static partial void MessageFailed(ILogger logger, Exception exception, string queue, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sweeper could not fire timer {TimerKey} of {InstanceId}")]
    public static partial void SweepFireFailed(ILogger logger, Exception exception, string instanceId, string timerKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Listener {Listener} poll failed")]
    public static partial void PollFailed(ILogger logger, Exception exception, string listener);

    [LoggerMessage(Level = LogLevel.Error, Message = "Deadline sweep failed")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
