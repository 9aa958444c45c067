namespace UrgeShipment.Domain;

public static partial class TicketDecider
{
    /// <summary>Applies one event. Total over the event hierarchy; events are facts, so nothing here refuses.</summary>
    public static TicketState Evolve(TicketState state, TicketEvent change) => change switch
    {
        UrgeRecorded e => state with
        {
            Urges = [.. state.Urges, e.Urge],
            Order = state.HasTicket ? state.Order : e.Order,
            ShopId = state.HasTicket ? state.ShopId : e.Order.ShopId,
        },
        TicketOpened e => state with
        {
            Status = TicketStatus.AwaitingSellerReply,
            Order = e.Order,
            ShopId = e.Order.ShopId,
            Policy = e.Policy,
            OpenedAt = e.OpenedAt,
            ReplyDeadline = e.ReplyDeadline.DueAt,
            ActiveDeadline = e.ReplyDeadline,
            ActiveDeadlineSince = e.At,
        },
        ShipmentRecorded e => state with { Shipments = [.. state.Shipments, new RecordedShipment(e.Shipment, e.OccurredAt)] },
        AfterSaleOpened e => state with { AfterSaleKind = e.Kind, AfterSaleOpenedAt = e.OccurredAt },
        RefundCompleted e => state with { RefundCompletedAt = e.OccurredAt },
        SellerRepliedWithDelay e => state with
        {
            Status = TicketStatus.AwaitingSellerExecution,
            Reply = e.Reply,
            ShipByDeadline = e.ShipByDeadline.DueAt,
            ActiveDeadline = e.ShipByDeadline,
            ActiveDeadlineSince = e.At,

            // A pause holds the deadline it was taken on; the seller's new deadline runs (nothing to shift later).
            PausedAt = null,
        },
        SellerRepliedWithPlan e => state with
        {
            Status = TicketStatus.AwaitingBuyerConfirmation,
            Reply = e.Reply,
            BuyerConfirmationDeadline = e.BuyerConfirmationDeadline.DueAt,
            ActiveDeadline = e.BuyerConfirmationDeadline,
            ActiveDeadlineSince = e.At,
            PausedAt = null,
        },
        SellerRepliedCannotShip e => NoDeadline(state) with { Reply = e.Reply },
        PlanAccepted => state with { PlanAccepted = true },
        PlanRejected => state with { PlanAccepted = false },
        DeadlineLapsed e => NoDeadline(state) with { LastLapse = new LapsedDeadline(e.Kind, e.DueAt, e.At) },
        CompensationAssessed e => state with
        {
            Compensations = [.. state.Compensations, new Compensation(e.Kind, e.Amount, e.IdempotencyKey, WorkStatus.Pending, e.At, null)],
        },
        CompensationSettled e => state with
        {
            Compensations = [.. state.Compensations.Select(c => string.Equals(c.IdempotencyKey, e.IdempotencyKey, StringComparison.Ordinal) ? c with { Status = WorkStatus.Done, SettledAt = e.At } : c)],
        },
        TicketEscalated e => NoDeadline(state) with
        {
            Status = TicketStatus.PlatformIntervention,
            EscalationReason = e.Reason,
            ComplaintFiling = e.ComplaintFilingRequired ? state.ComplaintFiling ?? WorkStatus.Pending : state.ComplaintFiling,
        },
        ComplaintFiled e => state with
        {
            Complaints = [.. state.Complaints, new ComplaintRecord(e.Reason, e.OccurredAt)],

            // A complaint the platform already has makes our filing on the buyer's behalf moot.
            ComplaintFiling = state.ComplaintFiling is null ? null : WorkStatus.Done,
        },
        ComplaintSubmitted => state with { ComplaintFiling = WorkStatus.Done },
        ComplaintResolved e => state with
        {
            ComplaintUpheld = e.Upheld,

            // Once the platform has resolved, filing a complaint on the buyer's behalf is moot.
            ComplaintFiling = state.ComplaintFiling is null ? null : WorkStatus.Done,
        },
        TicketCompleted e => NoDeadline(state) with
        {
            Status = TicketStatus.Completed,
            Outcome = e.Outcome,
            CompletedAt = e.At,
        },
        NoticeQueued e => state with { Notices = [.. state.Notices, e.Notice] },
        NoticeDelivered e => state with { Notices = SetNotice(state.Notices, e.Key, WorkStatus.Done) },
        FlaggedForReview e => state with { NeedsReview = true, ReviewReasons = [.. state.ReviewReasons, e.Reason] },
        WorkFailed e => SetWork(state, e.Key, WorkStatus.Failed),
        WorkRetried e => SetWork(state, e.Key, WorkStatus.Pending),
        AppealUpheld e => state with
        {
            AppealUpheldAt = e.At,
            Compensations = [.. state.Compensations.Select(c => e.ReversedKeys.Contains(c.IdempotencyKey, StringComparer.Ordinal) ? c with { ReversedAt = e.At } : c)],
        },
        DeadlineExtended e => MoveActiveDeadline(state, e.DueAt, e.At),
        ClockPaused e => state with { PausedAt = e.At },
        ClockResumed e => (state.ActiveDeadline is { } active && state.PausedAt is { } pausedAt && active.DueAt >= pausedAt
                ? MoveActiveDeadline(state, active.DueAt + e.PausedFor, e.At)
                : state) with { PausedAt = null },
        ReviewResolved e => CancelCompensations(state, e.CancelledCompensationKeys, e.At) with { NeedsReview = false, ReviewReasons = [] },
        TicketForceCompleted => state with
        {
            // The ticket ends here: filing a complaint on the buyer's behalf is moot.
            ComplaintFiling = state.ComplaintFiling is null ? null : WorkStatus.Done,
        },
        SellerReminded e => state with { RemindersSent = [.. state.RemindersSent, e.Key] },
        EventIgnored => state,
        _ => throw new ArgumentOutOfRangeException(nameof(change), change.GetType().Name, "not a ticket event"),
    };

    /// <summary>The ticket no longer waits on a deadline: no active deadline, nothing to remind of, nothing paused.</summary>
    private static TicketState NoDeadline(TicketState state) => state with { ActiveDeadline = null, ActiveDeadlineSince = null, PausedAt = null };

    /// <summary>The active deadline and its matching field move to <paramref name="dueAt"/>; its lapse time keeps the same grace.</summary>
    private static TicketState MoveActiveDeadline(TicketState state, DateTimeOffset dueAt, DateTimeOffset since)
    {
        if (state.ActiveDeadline is not { } active)
        {
            return state;
        }

        return state with
        {
            ActiveDeadline = active with { DueAt = dueAt, LapsesAt = dueAt + (active.LapsesAt - active.DueAt) },
            ActiveDeadlineSince = since,
            ReplyDeadline = active.Kind == DeadlineKind.Reply ? dueAt : state.ReplyDeadline,
            ShipByDeadline = active.Kind == DeadlineKind.ShipBy ? dueAt : state.ShipByDeadline,
            BuyerConfirmationDeadline = active.Kind == DeadlineKind.BuyerConfirmation ? dueAt : state.BuyerConfirmationDeadline,
        };
    }

    /// <summary>The compensations under <paramref name="keys"/> are cancelled, and so are their undelivered "compensation granted" notices.</summary>
    private static TicketState CancelCompensations(TicketState state, IReadOnlyList<string> keys, DateTimeOffset at)
    {
        if (keys.Count == 0)
        {
            return state;
        }

        var noticeKeys = state.Compensations
            .Where(c => keys.Contains(c.IdempotencyKey, StringComparer.Ordinal))
            .Select(c => NoticeTemplates.CompensationKey(c.Kind))
            .ToHashSet(StringComparer.Ordinal);
        return state with
        {
            Compensations = [.. state.Compensations.Select(c => keys.Contains(c.IdempotencyKey, StringComparer.Ordinal) ? c with { CancelledAt = at } : c)],
            Notices = [.. state.Notices.Select(n => noticeKeys.Contains(n.Key) && n.Status != WorkStatus.Done ? n with { CancelledAt = at } : n)],
        };
    }

    private static TicketState SetWork(TicketState state, string key, WorkStatus status) => state with
    {
        Compensations = [.. state.Compensations.Select(c => string.Equals(c.IdempotencyKey, key, StringComparison.Ordinal) ? c with { Status = status } : c)],
        Notices = SetNotice(state.Notices, key, status),
        ComplaintFiling = string.Equals(key, TicketState.ComplaintFilingKey, StringComparison.Ordinal) && state.ComplaintFiling is not null ? status : state.ComplaintFiling,
    };

    private static Notice[] SetNotice(IReadOnlyList<Notice> notices, string key, WorkStatus status) =>
        [.. notices.Select(n => string.Equals(n.Key, key, StringComparison.Ordinal) ? n with { Status = status } : n)];
}
