using System.Diagnostics.CodeAnalysis;

namespace UrgeShipment.Domain;

/// <summary>
/// Everything that may happen to a ticket. Every command carries <see cref="Now"/>: the domain never reads a clock.
/// Webhook facts also carry the marketplace's <c>OccurredAt</c>, by which timeliness is judged; seller replies are
/// judged by <see cref="Now"/>.
/// </summary>
public abstract record TicketCommand(DateTimeOffset Now);

/// <summary><c>buyer.urged</c>: opens a ticket, or records an urge that opens none.</summary>
[SuppressMessage("Naming", "CA1724:Type names should not match namespaces", Justification = "Contract name: the buyer's urge-shipment press.")]
public sealed record UrgeShipment(Order Order, MarketplacePolicy Policy, DateTimeOffset OccurredAt, DateTimeOffset Now) : TicketCommand(Now);

/// <summary><c>order.shipped</c>: counts toward "all items shipped".</summary>
public sealed record RecordShipment(Shipment Shipment, DateTimeOffset OccurredAt, DateTimeOffset Now) : TicketCommand(Now);

/// <summary><c>order.after_sale_opened</c>.</summary>
public sealed record OpenAfterSale(AfterSaleKind Kind, DateTimeOffset OccurredAt, DateTimeOffset Now) : TicketCommand(Now);

/// <summary><c>order.refunded</c>.</summary>
public sealed record CompleteRefund(DateTimeOffset OccurredAt, DateTimeOffset Now) : TicketCommand(Now);

/// <summary><c>order.delay_reported</c>: an approved delay report (报备).</summary>
public sealed record ReportDelay(DateTimeOffset ApprovedShipBy, DateTimeOffset OccurredAt, DateTimeOffset Now) : TicketCommand(Now);

/// <summary>Seller reply <c>delay</c>: ship by a new time, reply time &lt; shipBy ≤ reply time + max delay. Reply time = Now.</summary>
public sealed record ReplyWithDelay(DateTimeOffset ShipBy, string ReplyId, DateTimeOffset Now) : TicketCommand(Now);

/// <summary>Seller reply <c>negotiate</c>: a plan and at least one evidence item. Reply time = Now.</summary>
public sealed record ReplyWithPlan(string Plan, IReadOnlyList<string> Evidence, string ReplyId, DateTimeOffset Now) : TicketCommand(Now);

/// <summary>Seller reply <c>cannot_ship</c> with a non-empty reason (sent to the buyer). Reply time = Now.</summary>
public sealed record ReplyCannotShip(string Reason, string ReplyId, DateTimeOffset Now) : TicketCommand(Now);

/// <summary><c>buyer.plan_accepted</c>.</summary>
public sealed record AcceptPlan(DateTimeOffset OccurredAt, DateTimeOffset Now) : TicketCommand(Now);

/// <summary><c>buyer.plan_rejected</c>.</summary>
public sealed record RejectPlan(DateTimeOffset OccurredAt, DateTimeOffset Now) : TicketCommand(Now);

/// <summary><c>complaint.filed</c>: a buyer or platform complaint.</summary>
public sealed record FileComplaint(ComplaintReason Reason, DateTimeOffset OccurredAt, DateTimeOffset Now) : TicketCommand(Now);

/// <summary><c>complaint.resolved</c>; <paramref name="Amount"/> is the platform's stated compensation, if any.</summary>
public sealed record ResolveComplaint(bool Upheld, Money? Amount, DateTimeOffset OccurredAt, DateTimeOffset Now) : TicketCommand(Now);

/// <summary>Sent by the timer: lapses the deadline only when Now ≥ DueAt + grace and it is still the active one.</summary>
public sealed record LapseDeadline(DeadlineKind Kind, DateTimeOffset DueAt, DateTimeOffset Now) : TicketCommand(Now);

/// <summary>
/// The platform upheld the shop's force-majeure appeal, filed at <paramref name="FiledAt"/> (XHS-DELAY): within the
/// policy's working days of the violation, with evidence. Reverses points and compensation not yet settled.
/// </summary>
public sealed record UpholdAppeal(ForceMajeure Cause, IReadOnlyList<string> Evidence, DateTimeOffset FiledAt, string Operator, DateTimeOffset Now) : TicketCommand(Now);

/// <summary>The settlement activity paid the compensation with this key.</summary>
public sealed record RecordCompensationSettled(string IdempotencyKey, DateTimeOffset Now) : TicketCommand(Now);

/// <summary>The notification activity delivered the notice with this key.</summary>
public sealed record RecordNoticeDelivered(string Key, DateTimeOffset Now) : TicketCommand(Now);

/// <summary>The complaint-filing activity filed the complaint on the buyer's behalf (work item <see cref="TicketState.ComplaintFilingKey"/>).</summary>
public sealed record RecordComplaintSubmitted(string Key, DateTimeOffset Now) : TicketCommand(Now);

/// <summary>An activity was poisoned: the work item is marked failed (no longer pending) and the ticket flagged.</summary>
public sealed record RecordWorkFailed(string Key, string Failure, DateTimeOffset Now) : TicketCommand(Now);

/// <summary>An operator retries a failed work item (audited: who and why).</summary>
public sealed record RetryWork(string Key, string Operator, string Why, DateTimeOffset Now) : TicketCommand(Now);

/// <summary>
/// An operator moves the active deadline (and its lapse time) later by <paramref name="By"/>: more than zero and at most
/// the policy's <see cref="MarketplacePolicy.MaxOperatorExtension"/>. Audited: who and why.
/// </summary>
public sealed record ExtendDeadline(TimeSpan By, string Operator, string Why, DateTimeOffset Now) : TicketCommand(Now);

/// <summary>An operator stops the ticket's clock: the active deadline cannot lapse, and what happens meanwhile is in time. Audited.</summary>
public sealed record PauseClock(string Operator, string Why, DateTimeOffset Now) : TicketCommand(Now);

/// <summary>An operator restarts the ticket's clock: the active deadline moves later by the time it was paused. Audited.</summary>
public sealed record ResumeClock(string Operator, string Why, DateTimeOffset Now) : TicketCommand(Now);

/// <summary>
/// An operator clears the ticket's review flag; with <paramref name="CancelPendingCompensation"/>, every compensation not yet
/// settled is cancelled (with its pending buyer notice). Settled money is never touched. Audited.
/// </summary>
public sealed record ResolveReview(bool CancelPendingCompensation, string Operator, string Why, DateTimeOffset Now) : TicketCommand(Now);

/// <summary>An operator completes an open ticket (<see cref="TicketOutcome.ForceCompleted"/>), with no compensation. Audited.</summary>
public sealed record ForceComplete(string Operator, string Why, DateTimeOffset Now) : TicketCommand(Now);

/// <summary>
/// Sent by the reminder timer: remind the seller under <paramref name="Key"/>, one of <see cref="Reminders.Due"/>.
/// A key that is no longer due (sent, deadline replaced or gone, clock paused) is recorded with no effect.
/// </summary>
public sealed record RemindSeller(string Key, DateTimeOffset Now) : TicketCommand(Now);
