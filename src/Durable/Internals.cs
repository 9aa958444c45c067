using System.Text.Json.Serialization;
using Azure.Data.Tables;

namespace UrgeShipment.Durable;

/// <summary>A queue message: a wake-up that says what it expects of the committed state.</summary>
internal sealed record WakeMessage(
    [property: JsonPropertyName("i")] string InstanceId,
    [property: JsonPropertyName("v")] long ExpectedVersion,
    [property: JsonPropertyName("k")] string Key,
    [property: JsonPropertyName("d")] DateTimeOffset? DueAt,
    [property: JsonPropertyName("n")] string? Name,
    [property: JsonPropertyName("c")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("e")] int EarlyDeliveries = 0)
{
    /// <summary>
    /// Deliveries that were real attempts: a delivery that arrived before its own commit landed was put back
    /// untouched and must not use up the activity's retry budget.
    /// </summary>
    public int Attempts(long dequeueCount) => (int)Math.Max(1, dequeueCount - EarlyDeliveries);
}

/// <summary>The send receipt of a timer's wake-up, kept with the instance so a superseded wake-up can be deleted.</summary>
internal sealed record TimerReceipt(
    [property: JsonPropertyName("k")] string Key,
    [property: JsonPropertyName("t")] long DueTicks,
    [property: JsonPropertyName("m")] string MessageId,
    [property: JsonPropertyName("p")] string PopReceipt);

/// <summary>Points where tests inject a crash.</summary>
internal static class HookPoints
{
    /// <summary>Messages are enqueued; the commit has not been attempted.</summary>
    public const string BeforeCommit = "before-commit";

    /// <summary>A message's command is committed; the message is not deleted yet.</summary>
    public const string BeforeMessageDelete = "before-message-delete";
}

/// <summary>Row keys and long-text properties of the instance table.</summary>
internal static class Rows
{
    public const string Snapshot = "s";
    public const string EventPrefix = "e";
    public const string EventUpperBound = "f";
    public const string DedupePrefix = "c";

    /// <summary>Azure Tables stores at most 32K UTF-16 characters per string property.</summary>
    public const int MaxCharsPerProperty = 32_000;

    /// <summary>An entity is at most 1 MiB; keep long text well inside it.</summary>
    public const int MaxParts = 15;

    public static string Event(long version) => EventPrefix + version.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);

    public static string Dedupe(string commandId) => DedupePrefix + KeyEscaping.ToKey(commandId, "commandId");

    public static void WriteText(TableEntity entity, string name, string text)
    {
        if (text.Length <= MaxCharsPerProperty)
        {
            entity[name] = text;
            return;
        }

        var parts = (text.Length + MaxCharsPerProperty - 1) / MaxCharsPerProperty;
        if (parts > MaxParts)
        {
            throw new InvalidOperationException(
                $"The serialized {name} of '{entity.PartitionKey}' is {text.Length} characters; at most {MaxParts * MaxCharsPerProperty} fit in one table entity.");
        }

        entity[name + "Parts"] = parts;
        for (var i = 0; i < parts; i++)
        {
            var start = i * MaxCharsPerProperty;
            entity[name + (i == 0 ? "" : "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))] =
                text.Substring(start, Math.Min(MaxCharsPerProperty, text.Length - start));
        }
    }

    public static string ReadText(TableEntity entity, string name)
    {
        var parts = entity.GetInt32(name + "Parts");
        if (parts is null or <= 1)
        {
            return entity.GetString(name) ?? throw new InvalidDataException($"Row {entity.PartitionKey}/{entity.RowKey} has no {name}.");
        }

        var builder = new System.Text.StringBuilder(parts.Value * MaxCharsPerProperty);
        builder.Append(entity.GetString(name));
        for (var i = 1; i < parts.Value; i++)
        {
            builder.Append(entity.GetString(name + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return builder.ToString();
    }
}

/// <summary>An in-process wake-up for a sleeping listener.</summary>
internal sealed class WakeSignal
{
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set() => _signal.TrySetResult();

    /// <summary>Sleeps for <paramref name="delay"/> on <paramref name="clock"/>, or until <see cref="Set"/>; true when woken by <see cref="Set"/>.</summary>
    public async Task<bool> WaitAsync(TimeSpan delay, TimeProvider clock, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _signal);
        if (signal.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), signal);
            return true;
        }

        using var sleep = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delayTask = Task.Delay(delay, clock, sleep.Token);
        await Task.WhenAny(delayTask, signal.Task).ConfigureAwait(false);
        await sleep.CancelAsync().ConfigureAwait(false);
        var woken = signal.Task.IsCompleted;
        if (woken)
        {
            Interlocked.CompareExchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), signal);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return woken;
    }
}

/// <summary>The due times of timers this process enqueued, so the timer listener never sleeps past one.</summary>
internal sealed class DueTimes
{
    private const int Capacity = 10_000;
    private readonly SortedSet<long> _ticks = [];
    private readonly Lock _gate = new();

    public void Add(DateTimeOffset due)
    {
        lock (_gate)
        {
            _ticks.Add(due.UtcTicks);
            if (_ticks.Count > Capacity)
            {
                _ticks.Remove(_ticks.Max);
            }
        }
    }

    /// <summary>The earliest known due time after <paramref name="now"/> (forgetting those already past), if any.</summary>
    public DateTimeOffset? Next(DateTimeOffset now)
    {
        lock (_gate)
        {
            while (_ticks.Count > 0 && _ticks.Min <= now.UtcTicks - TimeSpan.TicksPerSecond)
            {
                _ticks.Remove(_ticks.Min);
            }

            return _ticks.Count == 0 ? null : new DateTimeOffset(_ticks.Min, TimeSpan.Zero);
        }
    }
}
