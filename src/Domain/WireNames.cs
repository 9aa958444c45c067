namespace UrgeShipment.Domain;

/// <summary>snake_case names on the wire (API.md).</summary>
public static class WireNames
{
    public static string WireName(this TicketStatus status) => status switch
    {
        TicketStatus.None => "none",
        TicketStatus.AwaitingSellerReply => "awaiting_seller_reply",
        TicketStatus.AwaitingSellerExecution => "awaiting_seller_execution",
        TicketStatus.AwaitingBuyerConfirmation => "awaiting_buyer_confirmation",
        TicketStatus.PlatformIntervention => "platform_intervention",
        TicketStatus.Completed => "completed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string WireName(this TicketOutcome outcome) => outcome switch
    {
        TicketOutcome.Shipped => "shipped",
        TicketOutcome.AfterSale => "after_sale",
        TicketOutcome.BuyerAccepted => "buyer_accepted",
        TicketOutcome.BuyerConfirmationTimedOut => "buyer_confirmation_timed_out",
        TicketOutcome.OutOfStockCompensated => "out_of_stock_compensated",
        TicketOutcome.LateShipmentCompensated => "late_shipment_compensated",
        TicketOutcome.ComplaintUpheld => "complaint_upheld",
        TicketOutcome.ComplaintRejected => "complaint_rejected",
        TicketOutcome.ForceCompleted => "force_completed",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    public static string WireName(this CompensationKind kind) => kind switch
    {
        CompensationKind.OutOfStock => "out_of_stock",
        CompensationKind.LateShipment => "late_shipment",
        CompensationKind.Complaint => "complaint",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string WireName(this DeadlineKind kind) => kind switch
    {
        DeadlineKind.Reply => "reply",
        DeadlineKind.BuyerConfirmation => "buyer_confirmation",
        DeadlineKind.ShipBy => "ship_by",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string WireName(this WorkStatus status) => status switch
    {
        WorkStatus.Pending => "pending",
        WorkStatus.Done => "done",
        WorkStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string WireName(this ReplyKind kind) => kind switch
    {
        ReplyKind.Delay => "delay",
        ReplyKind.Negotiate => "negotiate",
        ReplyKind.CannotShip => "cannot_ship",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string WireName(this Presale presale) => presale switch
    {
        Presale.None => "none",
        Presale.Deposit => "deposit",
        Presale.Full => "full",
        _ => throw new ArgumentOutOfRangeException(nameof(presale), presale, null),
    };

    public static string WireName(this AfterSaleKind kind) => kind switch
    {
        AfterSaleKind.Refund => "refund",
        AfterSaleKind.ReturnRefund => "return_refund",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string WireName(this ComplaintReason reason) => reason switch
    {
        ComplaintReason.OutOfStock => "out_of_stock",
        ComplaintReason.LateShipment => "late_shipment",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    public static string WireName(this UrgeResult result) => result switch
    {
        UrgeResult.TicketOpened => "ticket_opened",
        UrgeResult.TicketExists => "ticket_exists",
        UrgeResult.NoTicket => "no_ticket",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };

    public static string WireName(this ForceMajeure cause) => cause switch
    {
        ForceMajeure.Disaster => "disaster",
        ForceMajeure.PolicyControl => "policy_control",
        ForceMajeure.PlatformOutage => "platform_outage",
        _ => throw new ArgumentOutOfRangeException(nameof(cause), cause, null),
    };

    /// <summary>
    /// A compensation's status on the wire (API.md): <c>pending</c>, <c>settled</c>, <c>failed</c>, <c>reversed</c> (appeal upheld
    /// before settlement) or <c>cancelled</c> (an operator cancelled it before settlement).
    /// </summary>
    public static string WireStatus(this Compensation compensation) =>
        compensation.ReversedAt is not null && compensation.Status != WorkStatus.Done
            ? "reversed"
            : compensation.CancelledAt is not null && compensation.Status != WorkStatus.Done
            ? "cancelled"
            : compensation.Status switch
            {
                WorkStatus.Pending => "pending",
                WorkStatus.Done => "settled",
                WorkStatus.Failed => "failed",
                _ => throw new ArgumentOutOfRangeException(nameof(compensation), compensation.Status, null),
            };

    public static string WireName(this WorkKind kind) => kind switch
    {
        WorkKind.SettleCompensation => "settle_compensation",
        WorkKind.DeliverNotice => "deliver_notice",
        WorkKind.FileComplaint => "file_complaint",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
