namespace UrgeShipment.Domain;

/// <summary>The deadline the ticket waits on now. It lapses at <see cref="LapsesAt"/> = <see cref="DueAt"/> + the policy's grace.</summary>
public sealed record ActiveDeadline(DeadlineKind Kind, DateTimeOffset DueAt, DateTimeOffset LapsesAt);

/// <summary>A deadline that lapsed, kept so that late-arriving proof of in-time action can be recognised.</summary>
public sealed record LapsedDeadline(DeadlineKind Kind, DateTimeOffset DueAt, DateTimeOffset LapsedAt);

/// <summary>An urge, when it happened, when it was recorded, and what it led to.</summary>
public sealed record Urge(DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, UrgeOutcome Outcome);

/// <summary>The seller's one reply: <c>delay</c> (ShipBy), <c>negotiate</c> (Plan, Evidence) or <c>cannot_ship</c> (Reason).</summary>
public sealed record SellerReply(ReplyKind Kind, DateTimeOffset At, string ReplyId, DateTimeOffset? ShipBy, string? Plan, IReadOnlyList<string> Evidence, string? Reason);

/// <summary>A compensation owed on this ticket. <see cref="IdempotencyKey"/> is unique per ticket (the host prefixes the ticket id).</summary>
public sealed record Compensation(CompensationKind Kind, Money Amount, string IdempotencyKey, WorkStatus Status, DateTimeOffset AssessedAt, DateTimeOffset? SettledAt)
{
    /// <summary>Set when an upheld appeal reversed this compensation before it was settled; it is no longer pending work.</summary>
    public DateTimeOffset? ReversedAt { get; init; }

    /// <summary>Set when an operator cancelled this compensation before it was settled (<see cref="ResolveReview"/>); it is no longer pending work.</summary>
    public DateTimeOffset? CancelledAt { get; init; }
}

/// <summary>A message to the buyer (chat card) or the seller. The host renders <see cref="Template"/> with <see cref="Parameters"/> (zh-CN / en).</summary>
public sealed record Notice(string Key, NoticeAudience Audience, string Template, IReadOnlyDictionary<string, string> Parameters, WorkStatus Status, DateTimeOffset QueuedAt)
{
    /// <summary>Set when the notice was cancelled before delivery (its compensation was cancelled); it is no longer pending work.</summary>
    public DateTimeOffset? CancelledAt { get; init; }
}

/// <summary>A shipment as recorded, with the marketplace's time.</summary>
public sealed record RecordedShipment(Shipment Shipment, DateTimeOffset OccurredAt);

/// <summary>Something an activity must do once, under <see cref="Key"/>.</summary>
public sealed record WorkItem(string Key, WorkKind Kind);

/// <summary>A complaint as the platform reported it.</summary>
public sealed record ComplaintRecord(ComplaintReason Reason, DateTimeOffset OccurredAt);

/// <summary>The state of one urge-ship ticket (one per marketplace order). Built only by <see cref="TicketDecider.Evolve"/>.</summary>
public sealed record TicketState
{
    /// <summary>Work-item key of the complaint filed on the buyer's behalf at escalation (TB-2022).</summary>
    public const string ComplaintFilingKey = "complaint_filing";

    /// <summary>No ticket, nothing recorded.</summary>
    public static TicketState Initial { get; } = new();

    public TicketStatus Status { get; init; } = TicketStatus.None;

    public string? ShopId { get; init; }

    /// <summary>The order as last described by an urge.</summary>
    public Order? Order { get; init; }

    /// <summary>The policy version the ticket opened under; it keeps it for life.</summary>
    public MarketplacePolicy? Policy { get; init; }

    public DateTimeOffset? OpenedAt { get; init; }

    public IReadOnlyList<Urge> Urges { get; init; } = [];

    public DateTimeOffset? ReplyDeadline { get; init; }

    public DateTimeOffset? BuyerConfirmationDeadline { get; init; }

    public DateTimeOffset? ShipByDeadline { get; init; }

    /// <summary>The deadline the ticket waits on; null when none (intervention, completed, no ticket).</summary>
    public ActiveDeadline? ActiveDeadline { get; init; }

    /// <summary>When the current active deadline was set (opened, replied, extended, resumed); null when there is none. Reminders due before it are skipped.</summary>
    public DateTimeOffset? ActiveDeadlineSince { get; init; }

    /// <summary>When an operator paused the clock; null when running. A pause holds the active deadline it was taken on and ends with it.</summary>
    public DateTimeOffset? PausedAt { get; init; }

    /// <summary>Keys of the seller reminders already sent on this ticket (each at most once).</summary>
    public IReadOnlyList<string> RemindersSent { get; init; } = [];

    /// <summary>The last deadline that lapsed, if any.</summary>
    public LapsedDeadline? LastLapse { get; init; }

    public SellerReply? Reply { get; init; }

    public TicketOutcome? Outcome { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Why the ticket went to platform intervention (e.g. <c>reply_lapsed</c>, <c>cannot_ship</c>).</summary>
    public string? EscalationReason { get; init; }

    /// <summary>The complaint we file on the buyer's behalf: null when none is due.</summary>
    public WorkStatus? ComplaintFiling { get; init; }

    public IReadOnlyList<ComplaintRecord> Complaints { get; init; } = [];

    /// <summary>The platform's complaint resolution: null until resolved, then whether it was upheld.</summary>
    public bool? ComplaintUpheld { get; init; }

    /// <summary>The buyer's answer to a negotiated plan: null until answered, true accepted, false rejected.</summary>
    public bool? PlanAccepted { get; init; }

    public IReadOnlyList<Compensation> Compensations { get; init; } = [];

    public IReadOnlyList<Notice> Notices { get; init; } = [];

    public IReadOnlyList<RecordedShipment> Shipments { get; init; } = [];

    public AfterSaleKind? AfterSaleKind { get; init; }

    public DateTimeOffset? AfterSaleOpenedAt { get; init; }

    public DateTimeOffset? RefundCompletedAt { get; init; }

    /// <summary>When the shop's force-majeure appeal was upheld (XHS-DELAY), if it was.</summary>
    public DateTimeOffset? AppealUpheldAt { get; init; }

    public bool NeedsReview { get; init; }

    public IReadOnlyList<string> ReviewReasons { get; init; } = [];

    /// <summary>An operator has the clock paused: the active deadline cannot lapse and what happens meanwhile is in time.</summary>
    public bool IsPaused => PausedAt is not null;

    /// <summary>A ticket exists and is not completed.</summary>
    public bool IsOpen => Status is not (TicketStatus.None or TicketStatus.Completed);

    /// <summary>A ticket exists (in any state).</summary>
    public bool HasTicket => Status != TicketStatus.None;

    /// <summary>Cumulative shipped quantity per SKU: the order's shipped items plus every recorded shipment.</summary>
    public IReadOnlyDictionary<string, int> ShippedQuantities =>
        Fulfilment.Quantities((Order?.ShippedItems ?? []).Concat(Shipments.SelectMany(s => s.Shipment.Items)));

    /// <summary>The SKUs with any quantity shipped.</summary>
    public IReadOnlyList<string> ShippedSkus => [.. ShippedQuantities.Where(q => q.Value > 0).Select(q => q.Key).Order(StringComparer.Ordinal)];

    /// <summary>Every compensation and notice still pending, and the complaint filing when one is due.</summary>
    public IReadOnlyList<WorkItem> PendingWork =>
    [
        .. Compensations.Where(c => c.Status == WorkStatus.Pending && c.ReversedAt is null && c.CancelledAt is null).Select(c => new WorkItem(c.IdempotencyKey, WorkKind.SettleCompensation)),
        .. Notices.Where(n => n.Status == WorkStatus.Pending && n.CancelledAt is null).Select(n => new WorkItem(n.Key, WorkKind.DeliverNotice)),
        .. ComplaintFiling == WorkStatus.Pending ? [new WorkItem(ComplaintFilingKey, WorkKind.FileComplaint)] : Array.Empty<WorkItem>(),
    ];

    /// <summary>A work item that exhausted its retries and is still owed (not reversed or cancelled): an operator must retry or resolve it.</summary>
    public bool HasFailedWork =>
        Compensations.Any(c => c.Status == WorkStatus.Failed && c.ReversedAt is null && c.CancelledAt is null)
        || Notices.Any(n => n.Status == WorkStatus.Failed && n.CancelledAt is null)
        || ComplaintFiling == WorkStatus.Failed;

    /// <summary>Total auto-compensation (out-of-stock and late-shipment) on this ticket.</summary>
    public Money AutoCompensationTotal =>
        Compensations.Where(c => c.Kind != CompensationKind.Complaint && ((c.ReversedAt is null && c.CancelledAt is null) || c.Status == WorkStatus.Done)).Aggregate(Money.Zero, (sum, c) => sum + c.Amount);

    public bool HasCompensation(CompensationKind kind) => Compensations.Any(c => c.Kind == kind);
}
