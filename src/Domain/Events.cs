namespace UrgeShipment.Domain;

/// <summary>What happened to a ticket, past tense. <see cref="At"/> is when it was recorded (the command's Now).</summary>
public abstract record TicketEvent(DateTimeOffset At);

/// <summary>An urge was recorded, whatever it led to.</summary>
public sealed record UrgeRecorded(Urge Urge, Order Order, DateTimeOffset At) : TicketEvent(At);

/// <summary>The ticket opened under <paramref name="Policy"/>; the reply deadline is <paramref name="ReplyDeadline"/>.</summary>
public sealed record TicketOpened(Order Order, MarketplacePolicy Policy, DateTimeOffset OpenedAt, ActiveDeadline ReplyDeadline, DateTimeOffset At) : TicketEvent(At);

public sealed record ShipmentRecorded(Shipment Shipment, DateTimeOffset OccurredAt, DateTimeOffset At) : TicketEvent(At);

public sealed record AfterSaleOpened(AfterSaleKind Kind, DateTimeOffset OccurredAt, DateTimeOffset At) : TicketEvent(At);

public sealed record RefundCompleted(DateTimeOffset OccurredAt, DateTimeOffset At) : TicketEvent(At);

/// <summary>The seller replied <c>delay</c>; the ticket awaits execution until <paramref name="ShipByDeadline"/>.</summary>
public sealed record SellerRepliedWithDelay(SellerReply Reply, ActiveDeadline ShipByDeadline, DateTimeOffset At) : TicketEvent(At);

/// <summary>The seller replied <c>negotiate</c>; the buyer has until <paramref name="BuyerConfirmationDeadline"/>.</summary>
public sealed record SellerRepliedWithPlan(SellerReply Reply, ActiveDeadline BuyerConfirmationDeadline, DateTimeOffset At) : TicketEvent(At);

/// <summary>The seller replied <c>cannot_ship</c>.</summary>
public sealed record SellerRepliedCannotShip(SellerReply Reply, DateTimeOffset At) : TicketEvent(At);

public sealed record PlanAccepted(DateTimeOffset OccurredAt, DateTimeOffset At) : TicketEvent(At);

public sealed record PlanRejected(DateTimeOffset OccurredAt, DateTimeOffset At) : TicketEvent(At);

/// <summary>The active deadline passed its due time plus grace with nothing deciding the ticket.</summary>
public sealed record DeadlineLapsed(DeadlineKind Kind, DateTimeOffset DueAt, DateTimeOffset At) : TicketEvent(At);

/// <summary>A compensation is owed to the buyer (debited from the shop); settlement is pending under <paramref name="IdempotencyKey"/>.</summary>
public sealed record CompensationAssessed(CompensationKind Kind, Money Amount, string IdempotencyKey, DateTimeOffset At) : TicketEvent(At);

public sealed record CompensationSettled(string IdempotencyKey, DateTimeOffset At) : TicketEvent(At);

/// <summary>The ticket went to platform intervention; <paramref name="ComplaintFilingRequired"/>: we file a complaint on the buyer's behalf.</summary>
public sealed record TicketEscalated(string Reason, bool ComplaintFilingRequired, DateTimeOffset At) : TicketEvent(At);

public sealed record ComplaintFiled(ComplaintReason Reason, DateTimeOffset OccurredAt, DateTimeOffset At) : TicketEvent(At);

/// <summary>The complaint filed on the buyer's behalf reached the platform.</summary>
public sealed record ComplaintSubmitted(string Key, DateTimeOffset At) : TicketEvent(At);

public sealed record ComplaintResolved(bool Upheld, Money? StatedAmount, DateTimeOffset OccurredAt, DateTimeOffset At) : TicketEvent(At);

public sealed record TicketCompleted(TicketOutcome Outcome, DateTimeOffset At) : TicketEvent(At);

public sealed record NoticeQueued(Notice Notice, DateTimeOffset At) : TicketEvent(At);

public sealed record NoticeDelivered(string Key, DateTimeOffset At) : TicketEvent(At);

/// <summary>The ticket needs a human look; <paramref name="Reason"/> says why (e.g. <c>in_time_shipment_after_lapse</c>).</summary>
public sealed record FlaggedForReview(string Reason, DateTimeOffset At) : TicketEvent(At);

/// <summary>An activity gave up on a work item: no longer pending, the ticket is flagged.</summary>
public sealed record WorkFailed(string Key, string Failure, DateTimeOffset At) : TicketEvent(At);

/// <summary>An operator put a failed work item back to pending.</summary>
public sealed record WorkRetried(string Key, string Operator, string Why, DateTimeOffset At) : TicketEvent(At);

/// <summary>A force-majeure appeal was upheld; <paramref name="ReversedKeys"/> are the compensations it reversed.</summary>
public sealed record AppealUpheld(ForceMajeure Cause, IReadOnlyList<string> Evidence, DateTimeOffset FiledAt, string Operator, IReadOnlyList<string> ReversedKeys, DateTimeOffset At) : TicketEvent(At);

/// <summary>
/// A fact recorded with no effect: <paramref name="Reason"/> is <c>no_ticket</c>, <c>ticket_completed</c>, <c>duplicate</c>,
/// <c>not_applicable_in_state</c>, <c>stale_deadline</c>, <c>clock_paused</c> or <c>stale_reminder</c> (see <see cref="IgnoredReasons"/>).
/// </summary>
public sealed record EventIgnored(string Reason, string Command, DateTimeOffset At) : TicketEvent(At);

/// <summary>An operator moved the active deadline from <paramref name="PreviousDueAt"/> to <paramref name="DueAt"/> (its lapse time moves with it).</summary>
public sealed record DeadlineExtended(DeadlineKind Kind, DateTimeOffset PreviousDueAt, DateTimeOffset DueAt, string Operator, string Why, DateTimeOffset At) : TicketEvent(At);

/// <summary>An operator stopped the ticket's clock at <see cref="TicketEvent.At"/>.</summary>
public sealed record ClockPaused(string Operator, string Why, DateTimeOffset At) : TicketEvent(At);

/// <summary>An operator restarted the clock; the active deadline moves later by <paramref name="PausedFor"/>.</summary>
public sealed record ClockResumed(TimeSpan PausedFor, string Operator, string Why, DateTimeOffset At) : TicketEvent(At);

/// <summary>An operator cleared the review flag; <paramref name="CancelledCompensationKeys"/> are the unsettled compensations cancelled with it.</summary>
public sealed record ReviewResolved(string Operator, string Why, IReadOnlyList<string> CancelledCompensationKeys, DateTimeOffset At) : TicketEvent(At);

/// <summary>An operator completed the ticket (followed by <see cref="TicketCompleted"/> with <see cref="TicketOutcome.ForceCompleted"/>).</summary>
public sealed record TicketForceCompleted(string Operator, string Why, DateTimeOffset At) : TicketEvent(At);

/// <summary>The seller was reminded (reminder <paramref name="Key"/>, <paramref name="Lead"/> before the <paramref name="Kind"/> deadline due at <paramref name="DueAt"/>).</summary>
public sealed record SellerReminded(string Key, DeadlineKind Kind, DateTimeOffset DueAt, TimeSpan Lead, DateTimeOffset At) : TicketEvent(At);
