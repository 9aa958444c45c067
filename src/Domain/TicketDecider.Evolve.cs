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
        },
        SellerRepliedWithPlan e => state with
        {
            Status = TicketStatus.AwaitingBuyerConfirmation,
            Reply = e.Reply,
            BuyerConfirmationDeadline = e.BuyerConfirmationDeadline.DueAt,
            ActiveDeadline = e.BuyerConfirmationDeadline,
        },
        SellerRepliedCannotShip e => state with { Reply = e.Reply, ActiveDeadline = null },
        PlanAccepted => state with { PlanAccepted = true },
        PlanRejected => state with { PlanAccepted = false },
        DeadlineLapsed e => state with { ActiveDeadline = null, LastLapse = new LapsedDeadline(e.Kind, e.DueAt, e.At) },
        CompensationAssessed e => state with
        {
            Compensations = [.. state.Compensations, new Compensation(e.Kind, e.Amount, e.IdempotencyKey, WorkStatus.Pending, e.At, null)],
        },
        CompensationSettled e => state with
        {
            Compensations = [.. state.Compensations.Select(c => string.Equals(c.IdempotencyKey, e.IdempotencyKey, StringComparison.Ordinal) ? c with { Status = WorkStatus.Done, SettledAt = e.At } : c)],
        },
        TicketEscalated e => state with
        {
            Status = TicketStatus.PlatformIntervention,
            ActiveDeadline = null,
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
        TicketCompleted e => state with
        {
            Status = TicketStatus.Completed,
            Outcome = e.Outcome,
            CompletedAt = e.At,
            ActiveDeadline = null,
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
        EventIgnored => state,
        _ => throw new ArgumentOutOfRangeException(nameof(change), change.GetType().Name, "not a ticket event"),
    };

    private static TicketState SetWork(TicketState state, string key, WorkStatus status) => state with
    {
        Compensations = [.. state.Compensations.Select(c => string.Equals(c.IdempotencyKey, key, StringComparison.Ordinal) ? c with { Status = status } : c)],
        Notices = SetNotice(state.Notices, key, status),
        ComplaintFiling = string.Equals(key, TicketState.ComplaintFilingKey, StringComparison.Ordinal) && state.ComplaintFiling is not null ? status : state.ComplaintFiling,
    };

    private static Notice[] SetNotice(IReadOnlyList<Notice> notices, string key, WorkStatus status) =>
        [.. notices.Select(n => string.Equals(n.Key, key, StringComparison.Ordinal) ? n with { Status = status } : n)];
}
