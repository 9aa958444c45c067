namespace UrgeShipment.Durable;

/// <summary>
/// A pure decider the runtime hosts: <c>Decide(state, command) → events | refusal</c>,
/// <c>Evolve(state, event) → state</c>. The runtime knows nothing else about it.
/// Everything the outside world must do is read off the committed state: the timers it waits for
/// and the activities it still wants done. The runtime enqueues what a commit adds (before the
/// commit), deletes what a commit supersedes (after it), and on arrival applies a message only
/// while the committed state still asks for it.
/// </summary>
public interface IDurableDecider<TState, TCommand, TEvent>
    where TState : notnull
    where TCommand : notnull
    where TEvent : notnull
{
    /// <summary>The state of an instance that has no events yet.</summary>
    TState Initial { get; }

    Decision<TEvent> Decide(TState state, TCommand command);

    TState Evolve(TState state, TEvent change);

    /// <summary>The timers this state waits for. A wake-up is applied only while its (key, due) is listed.</summary>
    IReadOnlyList<DurableTimer> Timers(TState state);

    /// <summary>The command to apply when <paramref name="timer"/> is due; <paramref name="now"/> is the runtime clock.</summary>
    TCommand OnTimerDue(DurableTimer timer, DateTimeOffset now);

    /// <summary>The activities this state still wants done. A delivered activity runs only while its key is listed.</summary>
    IReadOnlyList<ActivityRequest> PendingActivities(TState state);

    /// <summary>The command that records an activity's result.</summary>
    TCommand OnActivityCompleted(ActivityRequest activity, string result, DateTimeOffset now);

    /// <summary>The command that records an activity that exhausted its retries (it went to the poison queue).</summary>
    TCommand OnActivityPoisoned(ActivityRequest activity, string failure, DateTimeOffset now);
}

/// <summary>The outcome of <see cref="IDurableDecider{TState,TCommand,TEvent}.Decide"/>.</summary>
public abstract record Decision<TEvent>
{
    private Decision() { }

    /// <summary>Accepted: these events are committed atomically (an empty list commits only the command's dedupe row).</summary>
    public sealed record Accepted(IReadOnlyList<TEvent> Events) : Decision<TEvent>;

    /// <summary>An expected refusal: nothing is written; <paramref name="Code"/> is stable and machine-readable.</summary>
    public sealed record Rejected(string Code, string Detail) : Decision<TEvent>;
}

/// <summary>A durable timer: an absolute due time under a key unique within the instance.</summary>
public sealed record DurableTimer(string Key, DateTimeOffset DueAt);

/// <summary>
/// Work to run at least once with an effect that happens once: <paramref name="IdempotencyKey"/> is unique
/// within the instance and is handed to the handler, which passes it on to the outside world.
/// </summary>
public sealed record ActivityRequest(string Name, string IdempotencyKey, string Payload);

/// <summary>What an activity handler is given.</summary>
public sealed record ActivityContext(string InstanceId, ActivityRequest Request, int Attempt);

/// <summary>Runs one kind of activity. Throw to fail (it is retried with backoff); return a result string to complete.</summary>
public interface IActivityHandler
{
    /// <summary>The <see cref="ActivityRequest.Name"/> this handler runs.</summary>
    string Name { get; }

    Task<string> RunAsync(ActivityContext context, CancellationToken cancellationToken);
}

/// <summary>
/// A derived view kept up to date after each commit (idempotent: called with the newest state it knows,
/// possibly more than once, possibly out of order, so implementations keep the highest version).
/// Rebuildable from the streams with <c>DurableRuntime.RebuildProjectionsAsync</c>.
/// </summary>
public interface IProjection<in TState>
{
    Task ProjectAsync(string instanceId, long version, TState state, CancellationToken cancellationToken);
}
