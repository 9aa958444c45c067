using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Serialization;
using UrgeShipment.Durable;

namespace UrgeShipment.Durable.Tests;

// A tiny decider for the runtime's tests: a counter with one deadline timer and "pay" activities.

public sealed record PendingPay(string Key, string Payload);

public sealed record EscrowState(
    int Count,
    DateTimeOffset? Deadline,
    int Lapses,
    IReadOnlyList<PendingPay> Pending,
    IReadOnlyList<string> Paid,
    IReadOnlyList<string> Poisoned,
    string Note)
{
    public static EscrowState Empty { get; } = new(0, null, 0, [], [], [], "");
}

public abstract record EscrowCommand;
public sealed record Increment(int By) : EscrowCommand;
public sealed record SetDeadline(DateTimeOffset Due) : EscrowCommand;
public sealed record ClearDeadline : EscrowCommand;
public sealed record DeadlineDue(DateTimeOffset Due, DateTimeOffset Now) : EscrowCommand;
public sealed record RequestPay(string Key, string Payload) : EscrowCommand;
public sealed record PayCompleted(string Key, string Result) : EscrowCommand;
public sealed record PayPoisoned(string Key, string Failure) : EscrowCommand;
public sealed record RetryPay(string Key) : EscrowCommand;
public sealed record Annotate(string Note) : EscrowCommand;
public sealed record Touch : EscrowCommand;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(Incremented), "incremented")]
[JsonDerivedType(typeof(DeadlineSet), "deadline-set")]
[JsonDerivedType(typeof(DeadlineCleared), "deadline-cleared")]
[JsonDerivedType(typeof(DeadlineLapsed), "deadline-lapsed")]
[JsonDerivedType(typeof(PayRequested), "pay-requested")]
[JsonDerivedType(typeof(PayDone), "pay-done")]
[JsonDerivedType(typeof(PayFlagged), "pay-flagged")]
[JsonDerivedType(typeof(Annotated), "annotated")]
public abstract record EscrowEvent;
public sealed record Incremented(int By) : EscrowEvent;
public sealed record DeadlineSet(DateTimeOffset Due) : EscrowEvent;
public sealed record DeadlineCleared : EscrowEvent;
public sealed record DeadlineLapsed(DateTimeOffset Due, DateTimeOffset FiredAt) : EscrowEvent;
public sealed record PayRequested(string Key, string Payload) : EscrowEvent;
public sealed record PayDone(string Key, string Result) : EscrowEvent;
public sealed record PayFlagged(string Key, string Failure) : EscrowEvent;
public sealed record Annotated(string Note) : EscrowEvent;

public sealed class EscrowDecider : IDurableDecider<EscrowState, EscrowCommand, EscrowEvent>
{
    public EscrowState Initial => EscrowState.Empty;

    public Decision<EscrowEvent> Decide(EscrowState state, EscrowCommand command) => (state, command) switch
    {
        (_, Increment { By: <= 0 }) => new Decision<EscrowEvent>.Rejected("not-positive", "Increment must be positive."),
        (_, Increment c) => Accept(new Incremented(c.By)),
        (_, SetDeadline c) => Accept(new DeadlineSet(c.Due)),
        ({ Deadline: null }, ClearDeadline) => new Decision<EscrowEvent>.Rejected("no-deadline", "No deadline to clear."),
        (_, ClearDeadline) => Accept(new DeadlineCleared()),
        ({ Deadline: { } due }, DeadlineDue c) when due == c.Due && c.Now >= due => Accept(new DeadlineLapsed(c.Due, c.Now)),
        (_, DeadlineDue) => new Decision<EscrowEvent>.Rejected("not-due", "That deadline is not pending or not due."),
        (_, RequestPay c) when state.Pending.Any(p => p.Key == c.Key) || state.Paid.Contains(c.Key) =>
            new Decision<EscrowEvent>.Rejected("pay-known", "Already requested."),
        (_, RequestPay c) => Accept(new PayRequested(c.Key, c.Payload)),
        (_, PayCompleted c) when state.Pending.Any(p => p.Key == c.Key) => Accept(new PayDone(c.Key, c.Result)),
        (_, PayCompleted) => new Decision<EscrowEvent>.Rejected("pay-not-pending", "Not pending."),
        (_, PayPoisoned c) when state.Pending.Any(p => p.Key == c.Key) => Accept(new PayFlagged(c.Key, c.Failure)),
        (_, PayPoisoned) => new Decision<EscrowEvent>.Rejected("pay-not-pending", "Not pending."),
        (_, RetryPay c) when state.Poisoned.Contains(c.Key) => Accept(new PayRequested(c.Key, "retry")),
        (_, RetryPay) => new Decision<EscrowEvent>.Rejected("pay-not-poisoned", "Not poisoned."),
        (_, Annotate c) => Accept(new Annotated(c.Note)),
        (_, Touch) => new Decision<EscrowEvent>.Accepted([]),
        _ => throw new InvalidOperationException($"Unhandled {command}"),
    };

    public EscrowState Evolve(EscrowState state, EscrowEvent change) => change switch
    {
        Incremented e => state with { Count = state.Count + e.By },
        DeadlineSet e => state with { Deadline = e.Due },
        DeadlineCleared => state with { Deadline = null },
        DeadlineLapsed => state with { Deadline = null, Lapses = state.Lapses + 1 },
        PayRequested e => state with { Pending = [.. state.Pending, new PendingPay(e.Key, e.Payload)], Poisoned = [.. state.Poisoned.Where(k => k != e.Key)] },
        PayDone e => state with { Pending = [.. state.Pending.Where(p => p.Key != e.Key)], Paid = [.. state.Paid, e.Key] },
        PayFlagged e => state with { Pending = [.. state.Pending.Where(p => p.Key != e.Key)], Poisoned = [.. state.Poisoned, e.Key] },
        Annotated e => state with { Note = e.Note },
        _ => throw new InvalidOperationException($"Unhandled {change}"),
    };

    public IReadOnlyList<DurableTimer> Timers(EscrowState state) =>
        state.Deadline is { } due ? [new DurableTimer("deadline", due)] : [];

    public EscrowCommand OnTimerDue(DurableTimer timer, DateTimeOffset now) => new DeadlineDue(timer.DueAt, now);

    public IReadOnlyList<ActivityRequest> PendingActivities(EscrowState state) =>
        [.. state.Pending.Select(p => new ActivityRequest("pay", p.Key, p.Payload))];

    public EscrowCommand OnActivityCompleted(ActivityRequest activity, string result, DateTimeOffset now) => new PayCompleted(activity.IdempotencyKey, result);

    public EscrowCommand OnActivityPoisoned(ActivityRequest activity, string failure, DateTimeOffset now) => new PayPoisoned(activity.IdempotencyKey, failure);

    private static Decision<EscrowEvent> Accept(params EscrowEvent[] events) => new Decision<EscrowEvent>.Accepted(events);
}

/// <summary>The "pay" activity: fails the first <see cref="FailuresPerKey"/> attempts of each key; its effect is keyed by idempotency key.</summary>
public sealed class PayHandler : IActivityHandler
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();
    private int _running;
    private int _maxConcurrency;

    public string Name => "pay";

    public int FailuresPerKey { get; set; }

    public TimeSpan Work { get; set; } = TimeSpan.Zero;

    public ConcurrentDictionary<string, int> Effects { get; } = new();

    public ConcurrentQueue<(string Key, int Attempt, TimeSpan At)> Attempts { get; } = new();

    public int MaxConcurrency => Volatile.Read(ref _maxConcurrency);

    public async Task<string> RunAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var running = Interlocked.Increment(ref _running);
        try
        {
            int seen;
            do
            {
                seen = Volatile.Read(ref _maxConcurrency);
            }
            while (running > seen && Interlocked.CompareExchange(ref _maxConcurrency, running, seen) != seen);

            Attempts.Enqueue((context.Request.IdempotencyKey, context.Attempt, Clock.Elapsed));
            if (Work > TimeSpan.Zero)
            {
                await Task.Delay(Work, cancellationToken);
            }

            if (Attempts.Count(a => a.Key == context.Request.IdempotencyKey) <= FailuresPerKey)
            {
                throw new InvalidOperationException($"pay {context.Request.IdempotencyKey} failed (attempt {context.Attempt})");
            }

            // The outside world dedupes by idempotency key: applying it twice is one effect.
            Effects.AddOrUpdate(context.Request.IdempotencyKey, 1, (_, n) => n);
            return "paid:" + context.Request.IdempotencyKey;
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
