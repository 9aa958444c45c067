using System.Text.Json;

namespace UrgeShipment.Durable;

/// <summary>How <see cref="DurableRuntime{TState,TCommand,TEvent}.ExecuteAsync"/> ended.</summary>
public enum CommandOutcome
{
    /// <summary>The decider accepted the command and its events (possibly none) were committed by this call.</summary>
    Applied,

    /// <summary>The command id was committed before; nothing was written and the first commit's result is returned.</summary>
    Duplicate,

    /// <summary>The decider refused the command; nothing was written.</summary>
    Rejected,
}

/// <summary>
/// The result of one command. <paramref name="Events"/> are the events THIS command id committed (for a
/// <see cref="CommandOutcome.Duplicate"/>, read back from the first commit). <paramref name="Version"/> is the
/// stream version right after that commit. <paramref name="State"/> is the newest state this call saw (for a
/// duplicate: the current state, which may include later commits).
/// </summary>
public sealed record CommandResult<TState, TEvent>(
    CommandOutcome Outcome,
    long Version,
    TState? State,
    IReadOnlyList<StoredEvent<TEvent>> Events,
    string? RejectionCode,
    string? RejectionDetail);

/// <summary>The committed state of an instance.</summary>
public sealed record InstanceSnapshot<TState>(string InstanceId, long Version, TState State, DateTimeOffset UpdatedAt);

/// <summary>An event as committed: its stream version (1-based), when, and by which command id.</summary>
public sealed record StoredEvent<TEvent>(long Version, DateTimeOffset RecordedAt, string CommandId, TEvent Event);

/// <summary>A page of history, oldest first; pass <paramref name="ContinuationToken"/> back for the next page (null: no more).</summary>
public sealed record HistoryPage<TEvent>(IReadOnlyList<StoredEvent<TEvent>> Events, string? ContinuationToken);

/// <summary>
/// Queue listener settings with Azure Functions' meanings (host.json <c>extensions.queues</c>).
/// </summary>
public sealed record QueueListenerOptions
{
    /// <summary>Messages fetched per receive (1..32).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Fetch the next batch when the messages in flight drop to this number (default batchSize / 2).</summary>
    public int? NewBatchThreshold { get; init; }

    /// <summary>Longest sleep between polls of an idle queue.</summary>
    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Delay before a failed message is retried; the activity backoff base (zero → <see cref="DefaultRetryDelay"/>).</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>Attempts before an activity goes to the poison queue.</summary>
    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>Shortest sleep between polls once a queue went idle (doubles up to <see cref="MaxPollingInterval"/>).</summary>
    public TimeSpan MinPollingInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Cap of the exponential retry delay of failed activities.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a received message stays invisible to other workers while it is processed.</summary>
    public TimeSpan MessageLease { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The retry base used when <see cref="VisibilityTimeout"/> is zero.</summary>
    public static TimeSpan DefaultRetryDelay { get; } = TimeSpan.FromSeconds(2);

    internal int EffectiveBatchSize => Math.Clamp(BatchSize, 1, 32);

    internal int EffectiveNewBatchThreshold => Math.Max(0, NewBatchThreshold ?? EffectiveBatchSize / 2);

    internal TimeSpan RetryBase => VisibilityTimeout > TimeSpan.Zero ? VisibilityTimeout : DefaultRetryDelay;
}

/// <summary>Settings of the durable runtime.</summary>
public sealed class DurableOptions
{
    /// <summary>Azure Storage connection string (tables + queues).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// Letters and digits only. Tables <c>{Hub}Instances</c>, <c>{Hub}Deadlines</c>; queues <c>{hub}-timers</c>,
    /// <c>{hub}-activities</c>, <c>{hub}-activities-poison</c>.
    /// </summary>
    public string HubName { get; set; } = "urgeship";

    /// <summary>Longest single queue delay of a timer; longer timers are chunked (must stay below the queue's 7-day limit).</summary>
    public TimeSpan MaxTimerChunk { get; set; } = TimeSpan.FromDays(6);

    /// <summary>How often the deadline sweeper runs.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A message whose commit has not landed yet is re-checked until it is this old; then it is an orphan and dropped.</summary>
    public TimeSpan OrphanGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How soon a message whose commit has not landed yet is looked at again.</summary>
    public TimeSpan OrphanRecheckDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts of one command under optimistic concurrency before giving up.</summary>
    public int MaxCommitAttempts { get; set; } = 10;

    /// <summary>Register the timer/activity listeners and the sweeper as hosted services.</summary>
    public bool RunListeners { get; set; } = true;

    /// <summary>Queue listener settings (host.json <c>extensions.queues</c>; see <see cref="HostJson.ReadQueueOptions"/>).</summary>
    public QueueListenerOptions Queues { get; set; } = new();

    /// <summary>Serializer options for states, commands and events (the host supplies polymorphic options).</summary>
    public JsonSerializerOptions Json { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>Snapshots kept in memory (keyed by ETag) so a commit on a hot instance needs no read.</summary>
    public int SnapshotCacheSize { get; set; } = 10_000;

    /// <summary>
    /// The clock used only for waiting (poll intervals, commit retry jitter). Null: the injected
    /// <see cref="TimeProvider"/>. Tests that drive business time with a fake clock but want listeners to poll
    /// in real time set <see cref="TimeProvider.System"/> here.
    /// </summary>
    public TimeProvider? SleepTimeProvider { get; set; }

    internal string InstancesTableName => HubName + "Instances";

    internal string DeadlinesTableName => HubName + "Deadlines";

    internal string TimerQueueName => HubName.ToLowerInvariant() + "-timers";

    internal string ActivityQueueName => HubName.ToLowerInvariant() + "-activities";

    internal string PoisonQueueName => HubName.ToLowerInvariant() + "-activities-poison";

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException("DurableOptions.ConnectionString is required.");
        }

        if (string.IsNullOrEmpty(HubName) || !char.IsAsciiLetter(HubName[0]) || !HubName.All(char.IsAsciiLetterOrDigit) || HubName.Length > 40)
        {
            throw new InvalidOperationException(
                $"DurableOptions.HubName '{HubName}' must start with a letter, contain only letters and digits, and be at most 40 characters.");
        }

        if (MaxTimerChunk <= TimeSpan.Zero || MaxTimerChunk >= TimeSpan.FromDays(7))
        {
            throw new InvalidOperationException("DurableOptions.MaxTimerChunk must be positive and below the queue's 7-day limit.");
        }

        if (MaxCommitAttempts < 1)
        {
            throw new InvalidOperationException("DurableOptions.MaxCommitAttempts must be at least 1.");
        }
    }
}

/// <summary>Thrown when a command could not be committed within <see cref="DurableOptions.MaxCommitAttempts"/>.</summary>
public sealed class DurableConcurrencyException : Exception
{
    public DurableConcurrencyException()
    {
    }

    public DurableConcurrencyException(string message) : base(message)
    {
    }

    public DurableConcurrencyException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
