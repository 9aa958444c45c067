using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace UrgeShipment.Durable;

/// <summary>
/// Hosts a decider on Azure Storage: one table partition per instance (snapshot + events + dedupe rows
/// committed in one entity-group transaction under the snapshot's ETag), durable timers and activities on
/// queues (enqueued before the commit that needs them, validated against committed state on arrival), and a
/// deadline index swept for anything overdue.
/// </summary>
public sealed partial class DurableRuntime<TState, TCommand, TEvent>
    where TState : notnull
    where TCommand : notnull
    where TEvent : notnull
{
    private const int GateStripes = 256;

    private readonly IDurableDecider<TState, TCommand, TEvent> _decider;
    private readonly DurableOptions _options;
    private readonly TimeProvider _clock;
    private readonly TimeProvider _sleepClock;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<IProjection<TState>> _projections;
    private readonly Dictionary<string, IActivityHandler> _handlers;
    private readonly TableClient _instances;
    private readonly TableClient _deadlines;
    private readonly QueueClient _timerQueue;
    private readonly QueueClient _activityQueue;
    private readonly QueueClient _poisonQueue;
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim[] _gates;
    private readonly Lock _createGate = new();
    private Task? _created;

    public DurableRuntime(
        IDurableDecider<TState, TCommand, TEvent> decider,
        DurableOptions options,
        TimeProvider clock,
        IEnumerable<IActivityHandler> handlers,
        IEnumerable<IProjection<TState>> projections,
        ILogger<DurableRuntime<TState, TCommand, TEvent>>? logger = null,
        StorageRequestCounter? requestCounter = null)
    {
        ArgumentNullException.ThrowIfNull(decider);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        options.Validate();
        _decider = decider;
        _options = options;
        _clock = clock;
        _sleepClock = options.SleepTimeProvider ?? clock;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _projections = [.. projections ?? []];
        _handlers = (handlers ?? []).ToDictionary(h => h.Name, StringComparer.Ordinal);
        _gates = [.. Enumerable.Range(0, GateStripes).Select(_ => new SemaphoreSlim(1, 1))];

        RequestCounter = requestCounter ?? new StorageRequestCounter(options.HubName);
        Statistics = new DurableStatistics(options.HubName);

        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(RequestCounter.CreatePolicy("table"), HttpPipelinePosition.PerRetry);
        var tableService = new TableServiceClient(options.ConnectionString, tableOptions);
        _instances = tableService.GetTableClient(options.InstancesTableName);
        _deadlines = tableService.GetTableClient(options.DeadlinesTableName);

        var queueOptions = new QueueClientOptions();
        queueOptions.AddPolicy(RequestCounter.CreatePolicy("queue"), HttpPipelinePosition.PerRetry);
        var queueService = new QueueServiceClient(options.ConnectionString, queueOptions);
        _timerQueue = queueService.GetQueueClient(options.TimerQueueName);
        _activityQueue = queueService.GetQueueClient(options.ActivityQueueName);
        _poisonQueue = queueService.GetQueueClient(options.PoisonQueueName);
    }

    /// <summary>Every storage request this runtime made, by operation.</summary>
    public StorageRequestCounter RequestCounter { get; }

    /// <summary>This runtime's counters (also published on the Meter "UrgeShipment.Durable").</summary>
    public DurableStatistics Statistics { get; }

    public DurableOptions Options => _options;

    internal TimeProvider Clock => _clock;

    internal TimeProvider SleepClock => _sleepClock;

    internal QueueClient TimerQueue => _timerQueue;

    internal QueueClient ActivityQueue => _activityQueue;

    internal QueueClient PoisonQueue => _poisonQueue;

    internal TableClient DeadlineTable => _deadlines;

    internal TableClient InstanceTable => _instances;

    internal WakeSignal TimerWake { get; } = new();

    internal WakeSignal ActivityWake { get; } = new();

    internal DueTimes KnownDueTimes { get; } = new();

    /// <summary>Test seam: invoked at <see cref="HookPoints"/>; throw to simulate a crash there.</summary>
    internal Func<string, string, CancellationToken, Task>? Hook { get; set; }

    /// <summary>Creates the tables and queues (idempotent; also done on first use).</summary>
    public Task EnsureCreatedAsync(CancellationToken ct)
    {
        lock (_createGate)
        {
            if (_created is null || _created.IsFaulted || _created.IsCanceled)
            {
                _created = CreateAsync(ct);
            }

            return _created;
        }

        async Task CreateAsync(CancellationToken cancellationToken)
        {
            await Task.WhenAll(
                _instances.CreateIfNotExistsAsync(cancellationToken),
                _deadlines.CreateIfNotExistsAsync(cancellationToken),
                _timerQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
                _activityQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
                _poisonQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>True when storage answers.</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        try
        {
            await EnsureCreatedAsync(ct).ConfigureAwait(false);
            await _timerQueue.GetPropertiesAsync(ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException)
        {
            return false;
        }
        catch (AggregateException)
        {
            return false;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>
    /// Decides <paramref name="command"/> against the committed state of <paramref name="instanceId"/> and commits
    /// its events atomically with the dedupe row of <paramref name="commandId"/>. A command id committed before
    /// returns the first result and writes nothing.
    /// </summary>
    public async Task<CommandResult<TState, TEvent>> ExecuteAsync(string instanceId, string commandId, TCommand command, CancellationToken ct)
    {
        var partition = KeyEscaping.ToKey(instanceId, nameof(instanceId));
        var dedupeKey = Rows.Dedupe(commandId);
        ArgumentNullException.ThrowIfNull(command);
        await EnsureCreatedAsync(ct).ConfigureAwait(false);

        var gate = _gates[(StringComparer.Ordinal.GetHashCode(instanceId) & int.MaxValue) % GateStripes];
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await ExecuteUnderGateAsync(instanceId, partition, commandId, dedupeKey, command, ct).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<CommandResult<TState, TEvent>> ExecuteUnderGateAsync(
        string instanceId, string partition, string commandId, string dedupeKey, TCommand command, CancellationToken ct)
    {
        _cache.TryGetValue(instanceId, out var entry);
        if (entry?.Recent.TryGetValue(commandId, out var known) == true)
        {
            Statistics.Duplicate();
            return known with { Outcome = CommandOutcome.Duplicate, State = entry.State };
        }

        for (var attempt = 1; ; attempt++)
        {
            if (entry is null)
            {
                var (loaded, dedupe) = await LoadAsync(instanceId, partition, dedupeKey, ct).ConfigureAwait(false);
                entry = loaded;
                Remember(entry);
                if (dedupe is not null)
                {
                    Statistics.Duplicate();
                    return await DuplicateResultAsync(entry, dedupe, ct).ConfigureAwait(false);
                }
            }

            var decision = _decider.Decide(entry.State, command);
            if (decision is Decision<TEvent>.Rejected rejected)
            {
                Statistics.Rejection();
                return new CommandResult<TState, TEvent>(CommandOutcome.Rejected, entry.Version, entry.State, [], rejected.Code, rejected.Detail);
            }

            var events = ((Decision<TEvent>.Accepted)decision).Events;
            if (events.Count > 98)
            {
                throw new InvalidOperationException($"A command may commit at most 98 events in one transaction; '{commandId}' decided {events.Count}.");
            }

            var now = _clock.GetUtcNow();
            var state = entry.State;
            var stored = new List<StoredEvent<TEvent>>(events.Count);
            foreach (var change in events)
            {
                state = _decider.Evolve(state, change);
                stored.Add(new StoredEvent<TEvent>(entry.Version + stored.Count + 1, now, commandId, change));
            }

            var version = entry.Version + events.Count;
            var plan = events.Count == 0 ? Plan.Empty : PlanMessages(entry.State, state);
            var sent = await SendAsync(instanceId, version, plan, now, ct).ConfigureAwait(false);
            var previousReceipts = entry.Receipts;
            var receipts = entry.Receipts.RemoveRange(plan.Superseded.Select(ReceiptKey)).SetItems(sent.Receipts);

            if (Hook is { } hook)
            {
                await hook(HookPoints.BeforeCommit, instanceId, ct).ConfigureAwait(false);
            }

            var batch = new List<TableTransactionAction>(events.Count + 2);
            var writeSnapshot = entry.Exists || events.Count > 0;
            if (writeSnapshot)
            {
                var snapshot = SnapshotEntity(instanceId, partition, version, state, now, receipts);
                batch.Add(entry.Exists
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, snapshot, entry.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, snapshot));
            }

            foreach (var e in stored)
            {
                batch.Add(new TableTransactionAction(TableTransactionActionType.Add, EventEntity(partition, e)));
            }

            batch.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, dedupeKey)
            {
                ["CommandId"] = commandId,
                ["Version"] = version,
                ["FirstVersion"] = entry.Version + 1,
                ["EventCount"] = events.Count,
                ["RecordedAt"] = now,
            }));

            Response<IReadOnlyList<Response>> response;
            try
            {
                response = await _instances.SubmitTransactionAsync(batch, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
            {
                // Someone else committed first (412 on the snapshot, 409 on an event or the dedupe row):
                // the messages sent for this attempt are never needed; reload and decide again.
                Statistics.Conflict();
                _cache.TryRemove(instanceId, out _);
                entry = null;
                await DeleteSentAsync(sent, ct).ConfigureAwait(false);
                if (attempt >= _options.MaxCommitAttempts)
                {
                    throw new DurableConcurrencyException(
                        $"Command '{commandId}' on '{instanceId}' conflicted {attempt} times; giving up.", ex);
                }

                Statistics.Retry();
                Log.CommitConflict(_logger, instanceId, commandId, attempt, ex.Status);
                var jitterCap = (int)Math.Min(1000, 10 * Math.Pow(2, Math.Min(attempt, 7)));
                await Task.Delay(TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(1, jitterCap)), _sleepClock, ct).ConfigureAwait(false);
                continue;
            }

            var etag = writeSnapshot ? response.Value[0].Headers.ETag ?? default : entry.ETag;
            var result = new CommandResult<TState, TEvent>(CommandOutcome.Applied, version, state, stored, null, null);
            entry = new Entry(entry.Exists || writeSnapshot, version, state, etag, writeSnapshot ? now : entry.UpdatedAt, receipts,
                entry.Recent.Count >= 16 ? ImmutableDictionary<string, CommandResult<TState, TEvent>>.Empty.Add(commandId, result) : entry.Recent.SetItem(commandId, result))
            {
                InstanceId = instanceId,
            };
            if (writeSnapshot && etag == default)
            {
                _cache.TryRemove(instanceId, out _);
            }
            else
            {
                _cache[instanceId] = entry;
                TrimCache();
            }

            Statistics.Commit();
            if (sent.Activities > 0)
            {
                ActivityWake.Set();
            }

            if (sent.Receipts.Count > 0)
            {
                TimerWake.Set();
            }

            await DeleteSupersededAsync(plan, previousReceipts, ct).ConfigureAwait(false);
            if (events.Count > 0)
            {
                await ProjectAsync(instanceId, version, state, ct).ConfigureAwait(false);
            }

            return result;
        }
    }

    /// <summary>The committed state of an instance, or null if it has none.</summary>
    public async Task<InstanceSnapshot<TState>?> GetAsync(string instanceId, CancellationToken ct)
    {
        var entry = await ReadEntryAsync(instanceId, ct).ConfigureAwait(false);
        return entry.Exists ? new InstanceSnapshot<TState>(instanceId, entry.Version, entry.State, entry.UpdatedAt) : null;
    }

    /// <summary>
    /// The state this process last committed or read for the instance, else the committed state from storage.
    /// It may be behind another process's newer commit: use it for facts that never change once set (who owns an
    /// instance, which policy it runs under), and <see cref="GetAsync"/> when the newest state matters.
    /// </summary>
    public async Task<InstanceSnapshot<TState>?> GetCachedOrCommittedAsync(string instanceId, CancellationToken ct)
    {
        if (_cache.TryGetValue(instanceId, out var cached) && cached.Exists)
        {
            return new InstanceSnapshot<TState>(instanceId, cached.Version, cached.State, cached.UpdatedAt);
        }
        return await GetAsync(instanceId, ct).ConfigureAwait(false);
    }

    /// <summary>History, oldest first, <paramref name="pageSize"/> events per page.</summary>
    public async Task<HistoryPage<TEvent>> GetHistoryAsync(string instanceId, string? continuationToken, int pageSize, CancellationToken ct)
    {
        var partition = KeyEscaping.ToKey(instanceId, nameof(instanceId));
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        pageSize = Math.Min(pageSize, 1000);
        var from = 1L;
        if (continuationToken is not null && (!long.TryParse(continuationToken, NumberStyles.None, CultureInfo.InvariantCulture, out from) || from < 1))
        {
            throw new ArgumentException("Malformed continuation token.", nameof(continuationToken));
        }

        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var events = new List<StoredEvent<TEvent>>(pageSize);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {Rows.Event(from)} and RowKey lt {Rows.EventUpperBound}");
        await foreach (var row in _instances.QueryAsync<TableEntity>(filter, maxPerPage: pageSize + 1, cancellationToken: ct).ConfigureAwait(false))
        {
            if (events.Count == pageSize)
            {
                return new HistoryPage<TEvent>(events, (events[^1].Version + 1).ToString(CultureInfo.InvariantCulture));
            }

            events.Add(ReadEvent(row));
        }

        return new HistoryPage<TEvent>(events, null);
    }

    /// <summary>Every instance's committed state (a full scan: for rebuilds and retention).</summary>
    public async IAsyncEnumerable<InstanceSnapshot<TState>> ListInstancesAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"RowKey eq {Rows.Snapshot}");
        await foreach (var row in _instances.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            var entry = ReadSnapshot(row);
            yield return new InstanceSnapshot<TState>(InstanceIdOf(row), entry.Version, entry.State, entry.UpdatedAt);
        }
    }

    /// <summary>Calls every projection with every instance's committed state (a failing projection is logged and counted; the rebuild goes on).</summary>
    public async Task RebuildProjectionsAsync(CancellationToken ct)
    {
        await foreach (var snapshot in ListInstancesAsync(ct).ConfigureAwait(false))
        {
            await ProjectAsync(snapshot.InstanceId, snapshot.Version, snapshot.State, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes an instance's whole stream (retention). Its deadline index rows are swept lazily.</summary>
    public async Task<bool> PurgeAsync(string instanceId, CancellationToken ct)
    {
        var partition = KeyEscaping.ToKey(instanceId, nameof(instanceId));
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var keys = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (var row in _instances.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct).ConfigureAwait(false))
        {
            keys.Add(row.RowKey);
        }

        _cache.TryRemove(instanceId, out _);
        foreach (var chunk in keys.Chunk(100))
        {
            var batch = chunk.Select(rk => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, rk), ETag.All));
            try
            {
                await _instances.SubmitTransactionAsync(batch, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                foreach (var rk in chunk)
                {
                    await _instances.DeleteEntityAsync(partition, rk, ETag.All, ct).ConfigureAwait(false);
                }
            }
        }

        _cache.TryRemove(instanceId, out _);
        return keys.Count > 0;
    }

    // ---- loading ----

    private async Task<(Entry Entry, TableEntity? Dedupe)> LoadAsync(string instanceId, string partition, string dedupeKey, CancellationToken ct)
    {
        // One request: the snapshot and (if this command id was committed before) its dedupe row.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and (RowKey eq {Rows.Snapshot} or RowKey eq {dedupeKey})");
        Entry? entry = null;
        TableEntity? dedupe = null;
        await foreach (var row in _instances.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            if (row.RowKey == Rows.Snapshot)
            {
                entry = ReadSnapshot(row);
            }
            else
            {
                dedupe = row;
            }
        }

        return (entry ?? NewEntry(instanceId), dedupe);
    }

    /// <summary>The committed state from the cache (if at least <paramref name="minimumVersion"/>) or storage.</summary>
    internal async Task<Entry> GetEntryAsync(string instanceId, long minimumVersion, CancellationToken ct)
    {
        if (_cache.TryGetValue(instanceId, out var cached) && cached.Version >= minimumVersion)
        {
            return cached;
        }

        return await ReadEntryAsync(instanceId, ct).ConfigureAwait(false);
    }

    private async Task<Entry> ReadEntryAsync(string instanceId, CancellationToken ct)
    {
        var partition = KeyEscaping.ToKey(instanceId, nameof(instanceId));
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var response = await _instances.GetEntityIfExistsAsync<TableEntity>(partition, Rows.Snapshot, cancellationToken: ct).ConfigureAwait(false);
        var entry = response.HasValue && response.Value is { } row ? ReadSnapshot(row) : NewEntry(instanceId);
        Remember(entry);
        return entry;
    }

    private Entry NewEntry(string instanceId) => new(false, 0, _decider.Initial, default, default, ImmutableDictionary<string, TimerReceipt>.Empty,
        ImmutableDictionary<string, CommandResult<TState, TEvent>>.Empty)
    {
        InstanceId = instanceId,
    };

    /// <summary>Caches <paramref name="entry"/> unless a newer version is cached already.</summary>
    private void Remember(Entry entry)
    {
        _cache.AddOrUpdate(entry.InstanceId, entry, (_, old) => entry.Version >= old.Version ? entry : old);
        TrimCache();
    }

    private void TrimCache()
    {
        var excess = _cache.Count - _options.SnapshotCacheSize;
        if (excess <= 0)
        {
            return;
        }

        foreach (var key in _cache.Keys.Take(excess + (_options.SnapshotCacheSize / 10)))
        {
            _cache.TryRemove(key, out _);
        }
    }

    private async Task<CommandResult<TState, TEvent>> DuplicateResultAsync(Entry entry, TableEntity dedupe, CancellationToken ct)
    {
        var version = dedupe.GetInt64("Version") ?? 0;
        var first = dedupe.GetInt64("FirstVersion") ?? version + 1;
        var count = dedupe.GetInt32("EventCount") ?? 0;
        var events = new List<StoredEvent<TEvent>>(count);
        if (count > 0)
        {
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {dedupe.PartitionKey} and RowKey ge {Rows.Event(first)} and RowKey le {Rows.Event(first + count - 1)}");
            await foreach (var row in _instances.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
            {
                events.Add(ReadEvent(row));
            }
        }

        return new CommandResult<TState, TEvent>(CommandOutcome.Duplicate, version, entry.State, events, null, null);
    }

    // ---- serialization ----

    private TableEntity SnapshotEntity(string instanceId, string partition, long version, TState state, DateTimeOffset now, ImmutableDictionary<string, TimerReceipt> receipts)
    {
        var entity = new TableEntity(partition, Rows.Snapshot)
        {
            ["InstanceId"] = instanceId,
            ["Version"] = version,
            ["UpdatedAt"] = now,
        };
        Rows.WriteText(entity, "State", JsonSerializer.Serialize(state, _options.Json));
        if (receipts.Count > 0)
        {
            Rows.WriteText(entity, "Receipts", JsonSerializer.Serialize(receipts.Values.ToArray(), _options.Json));
        }

        return entity;
    }

    private Entry ReadSnapshot(TableEntity row)
    {
        var state = JsonSerializer.Deserialize<TState>(Rows.ReadText(row, "State"), _options.Json)
            ?? throw new InvalidDataException($"Snapshot of '{row.PartitionKey}' holds a null state.");
        var receipts = ImmutableDictionary<string, TimerReceipt>.Empty;
        if (row.ContainsKey("Receipts"))
        {
            var list = JsonSerializer.Deserialize<TimerReceipt[]>(Rows.ReadText(row, "Receipts"), _options.Json) ?? [];
            receipts = list.ToImmutableDictionary(r => ReceiptKey(r.Key, r.DueTicks), StringComparer.Ordinal);
        }

        return new Entry(true, row.GetInt64("Version") ?? 0, state, row.ETag, row.GetDateTimeOffset("UpdatedAt") ?? default, receipts,
            ImmutableDictionary<string, CommandResult<TState, TEvent>>.Empty)
        {
            InstanceId = InstanceIdOf(row),
        };
    }

    private TableEntity EventEntity(string partition, StoredEvent<TEvent> stored)
    {
        var entity = new TableEntity(partition, Rows.Event(stored.Version))
        {
            ["Version"] = stored.Version,
            ["RecordedAt"] = stored.RecordedAt,
            ["CommandId"] = stored.CommandId,
        };
        Rows.WriteText(entity, "Data", JsonSerializer.Serialize(stored.Event, _options.Json));
        return entity;
    }

    private StoredEvent<TEvent> ReadEvent(TableEntity row) => new(
        row.GetInt64("Version") ?? 0,
        row.GetDateTimeOffset("RecordedAt") ?? default,
        row.GetString("CommandId") ?? "",
        JsonSerializer.Deserialize<TEvent>(Rows.ReadText(row, "Data"), _options.Json)
            ?? throw new InvalidDataException($"Event row {row.PartitionKey}/{row.RowKey} holds a null event."));

    private static string InstanceIdOf(TableEntity row) => row.GetString("InstanceId") ?? KeyEscaping.Unescape(row.PartitionKey);

    private static string ReceiptKey(DurableTimer timer) => ReceiptKey(timer.Key, timer.DueAt.UtcTicks);

    private static string ReceiptKey(string key, long dueTicks) => key + "|" + dueTicks.ToString(CultureInfo.InvariantCulture);

    // ---- projections ----

    private async Task ProjectAsync(string instanceId, long version, TState state, CancellationToken ct)
    {
        foreach (var projection in _projections)
        {
            try
            {
                await projection.ProjectAsync(instanceId, version, state, ct).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A projection is derived and rebuildable: its failure never fails the committed command.
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
#pragma warning restore CA1031
            {
                Statistics.ProjectionFailed();
                Log.ProjectionFailed(_logger, ex, projection.GetType().Name, instanceId, version);
            }
        }
    }

    /// <summary>A committed (or empty) instance as this process knows it.</summary>
    internal sealed record Entry(
        bool Exists,
        long Version,
        TState State,
        ETag ETag,
        DateTimeOffset UpdatedAt,
        ImmutableDictionary<string, TimerReceipt> Receipts,
        ImmutableDictionary<string, CommandResult<TState, TEvent>> Recent)
    {
        public required string InstanceId { get; init; }
    }
}
