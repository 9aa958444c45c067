using System.Globalization;
using System.Text.Json;
using UrgeShipment.Domain;
using UrgeShipment.Durable;
using UrgeShipment.Functions.Activities;

namespace UrgeShipment.Functions.Tickets;

/// <summary>
/// The ticket decider, hosted on the durable runtime. Nothing here decides a rule: it only says which
/// timer the domain's active deadline needs and which of the domain's pending work items are activities.
/// </summary>
public sealed class TicketWorkflow : IDurableDecider<TicketState, TicketCommand, TicketEvent>
{
    private const string DeadlinePrefix = "deadline:";

    public TicketState Initial => TicketState.Initial;

    public Decision<TicketEvent> Decide(TicketState state, TicketCommand command) =>
        TicketDecider.Decide(state, command) switch
        {
            Decision.Accepted accepted => new Decision<TicketEvent>.Accepted(accepted.Events),
            Decision.Rejected rejected => new Decision<TicketEvent>.Rejected(rejected.Code, rejected.Detail),
            var other => throw new InvalidOperationException($"Unknown decision {other.GetType().Name}."),
        };

    public TicketState Evolve(TicketState state, TicketEvent change) => TicketDecider.Evolve(state, change);

    /// <summary>
    /// The active deadline wakes the ticket at its lapse time (due + grace), under a key naming the deadline's own due
    /// time; the next seller reminder still due wakes it at its own time (one at a time: most tickets are decided
    /// before any reminder, so later ones would only be armed to be deleted). A paused clock waits for nothing.
    /// </summary>
    public IReadOnlyList<DurableTimer> Timers(TicketState state) =>
        state.ActiveDeadline is { } deadline && !state.IsPaused
            ?
            [
                new DurableTimer(DeadlineKey(deadline.Kind, deadline.DueAt), deadline.LapsesAt),
                .. Reminders.Due(state).Take(1).Select(reminder => new DurableTimer(reminder.Key, reminder.At)),
            ]
            : [];

    public TicketCommand OnTimerDue(DurableTimer timer, DateTimeOffset now)
    {
        if (!timer.Key.StartsWith(DeadlinePrefix, StringComparison.Ordinal))
        {
            return new RemindSeller(timer.Key, now);
        }
        var (kind, dueAt) = ParseDeadlineKey(timer.Key);
        return new LapseDeadline(kind, dueAt, now);
    }

    public IReadOnlyList<ActivityRequest> PendingActivities(TicketState state) =>
        [.. state.PendingWork.Select(work => new ActivityRequest(work.Kind.ToString(), work.Key, WorkPayload.For(state, work)))];

    public TicketCommand OnActivityCompleted(ActivityRequest activity, string result, DateTimeOffset now) =>
        Enum.Parse<WorkKind>(activity.Name) switch
        {
            WorkKind.SettleCompensation => new RecordCompensationSettled(activity.IdempotencyKey, now),
            WorkKind.FileComplaint => new RecordComplaintSubmitted(activity.IdempotencyKey, now),
            _ => new RecordNoticeDelivered(activity.IdempotencyKey, now),
        };

    public TicketCommand OnActivityPoisoned(ActivityRequest activity, string failure, DateTimeOffset now) =>
        new RecordWorkFailed(activity.IdempotencyKey, failure, now);

    internal static string DeadlineKey(DeadlineKind kind, DateTimeOffset dueAt) =>
        string.Create(CultureInfo.InvariantCulture, $"{DeadlinePrefix}{kind}:{dueAt.UtcTicks}");

    internal static (DeadlineKind Kind, DateTimeOffset DueAt) ParseDeadlineKey(string key)
    {
        var parts = key.Split(':');
        if (parts.Length != 3 || parts[0] + ":" != DeadlinePrefix)
        {
            throw new FormatException($"Not a deadline timer key: {key}");
        }
        return (Enum.Parse<DeadlineKind>(parts[1]), new DateTimeOffset(long.Parse(parts[2], CultureInfo.InvariantCulture), TimeSpan.Zero));
    }
}

/// <summary>What an activity needs to know about its work item, taken from the committed state when it was enqueued.</summary>
public static class WorkPayload
{
    public static string For(TicketState state, WorkItem work)
    {
        var compensation = state.Compensations.FirstOrDefault(c => c.IdempotencyKey == work.Key);
        var notice = state.Notices.FirstOrDefault(n => n.Key == work.Key);
        return JsonSerializer.Serialize(new WorkPayloadData(
            state.ShopId, state.Order?.OrderId, state.Order?.BuyerId, state.Policy?.Marketplace,
            compensation is null ? null : new CompensationData(compensation.Kind.WireName(), compensation.Amount.ToString()),
            notice is null ? null : new NoticeData(notice.Audience.ToString().ToLowerInvariant(), notice.Template, notice.Parameters)));
    }
}
