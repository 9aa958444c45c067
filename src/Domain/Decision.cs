namespace UrgeShipment.Domain;

/// <summary>The decider's answer: events to append, or an expected refusal (a value, never an exception).</summary>
public abstract record Decision
{
    private Decision()
    {
    }

    /// <summary>The command applies: append these events (possibly a single <see cref="EventIgnored"/>).</summary>
    public sealed record Accepted(IReadOnlyList<TicketEvent> Events) : Decision;

    /// <summary>The command is refused with a stable <see cref="Code"/> (see <see cref="RejectionCodes"/>); nothing changes.</summary>
    public sealed record Rejected(string Code, string Detail) : Decision;
}

/// <summary>Stable refusal codes, mapped once to problem details by the host.</summary>
public static class RejectionCodes
{
    public const string NoTicket = "no_ticket";
    public const string InvalidState = "invalid_state";
    public const string AlreadyReplied = "already_replied";
    public const string ReplyWindowClosed = "reply_window_closed";
    public const string DelayOutOfRange = "delay_out_of_range";
    public const string PlanRequired = "plan_required";
    public const string EvidenceRequired = "evidence_required";
    public const string ReasonRequired = "reason_required";
    public const string ReplyIdRequired = "reply_id_required";
    public const string OccurredInFuture = "occurred_in_future";
    public const string UnknownSku = "unknown_sku";
    public const string InvalidQuantity = "invalid_quantity";
    public const string InvalidAmount = "invalid_amount";
    public const string OrderMismatch = "order_mismatch";
    public const string DeadlineNotDue = "deadline_not_due";
    public const string UnknownWorkItem = "unknown_work_item";
    public const string OperatorRequired = "operator_required";
    public const string AppealWindowClosed = "appeal_window_closed";

    /// <summary>An operator command says why (audit).</summary>
    public const string WhyRequired = "why_required";

    /// <summary>An extension must be more than zero and at most the policy's <see cref="MarketplacePolicy.MaxOperatorExtension"/>.</summary>
    public const string InvalidExtension = "invalid_extension";

    /// <summary>There is no active deadline to extend or pause (no ticket, platform intervention, completed).</summary>
    public const string NoActiveDeadline = "no_active_deadline";

    /// <summary>The active deadline has already passed (it is in its grace): there is no time left to pause.</summary>
    public const string DeadlinePassed = "deadline_passed";

    public const string AlreadyPaused = "already_paused";

    public const string NotPaused = "not_paused";

    /// <summary>The ticket is not flagged for review.</summary>
    public const string NotFlagged = "not_flagged";

    /// <summary>The ticket is already completed.</summary>
    public const string TicketCompleted = "ticket_completed";
}

/// <summary>Reasons of <see cref="EventIgnored"/>: recorded, no effect.</summary>
public static class IgnoredReasons
{
    public const string NoTicket = "no_ticket";
    public const string TicketCompleted = "ticket_completed";
    public const string Duplicate = "duplicate";
    public const string NotApplicableInState = "not_applicable_in_state";
    public const string StaleDeadline = "stale_deadline";

    /// <summary>The deadline timer fired while an operator had the clock paused.</summary>
    public const string ClockPaused = "clock_paused";

    /// <summary>A reminder that is no longer due: already sent, its deadline replaced, passed or gone, or the clock paused.</summary>
    public const string StaleReminder = "stale_reminder";
}

/// <summary>Reasons of <see cref="FlaggedForReview"/> and <see cref="TicketEscalated"/>.</summary>
public static class ReviewReasons
{
    public const string InTimeShipmentAfterLapse = "in_time_shipment_after_lapse";
    public const string InTimeAfterSaleAfterLapse = "in_time_after_sale_after_lapse";
    public const string InTimePlanAnswerAfterLapse = "in_time_plan_answer_after_lapse";
    public const string WorkFailedPrefix = "work_failed:";
    public const string SettledAfterReversal = "settled_after_reversal";
    public const string SettledAfterCancellation = "settled_after_cancellation";

    public const string ReplyLapsed = "reply_lapsed";
    public const string ShipByLapsed = "ship_by_lapsed";
    public const string PlanRejected = "plan_rejected";
    public const string CannotShip = "cannot_ship";
    public const string ComplaintFiled = "complaint_filed";
}

/// <summary>Notice templates the host renders (zh-CN default, en available; PDD's tone).</summary>
public static class NoticeTemplates
{
    /// <summary>Seller: a ticket opened (orderId, replyBy).</summary>
    public const string TicketOpened = "ticket_opened";

    /// <summary>Buyer chat card: the seller's new ship time (orderId, shipBy).</summary>
    public const string SellerPlanDelay = "seller_plan_delay";

    /// <summary>Buyer chat card: the seller's negotiated plan (orderId, plan, confirmBy).</summary>
    public const string SellerPlanNegotiate = "seller_plan_negotiate";

    /// <summary>Buyer chat card: the seller cannot ship (orderId, reason).</summary>
    public const string SellerCannotShip = "seller_cannot_ship";

    /// <summary>Buyer chat card: compensation granted (orderId, kind, amount, currency).</summary>
    public const string CompensationGranted = "compensation_granted";

    /// <summary>Seller: a reminder before the active deadline (orderId, deadline, dueAt, lead). Its key is the reminder's key.</summary>
    public const string SellerReminder = "seller_reminder";

    public const string TicketOpenedKey = "ticket_opened";
    public const string SellerReplyKey = "seller_reply";

    public static string CompensationKey(CompensationKind kind) => $"compensation_granted:{kind.WireName()}";
}
