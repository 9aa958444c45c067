namespace UrgeShipment.Domain;

public enum Presale
{
    None,
    Deposit,
    Full,
}

public enum AfterSaleKind
{
    Refund,
    ReturnRefund,
}

public enum ComplaintReason
{
    OutOfStock,
    LateShipment,
}

public enum DeadlineKind
{
    Reply,
    BuyerConfirmation,
    ShipBy,
}

/// <summary>States as they read in RULES.md (TB-2022). <see cref="None"/> = no ticket (nothing, or only urges recorded).</summary>
public enum TicketStatus
{
    None,
    AwaitingSellerReply,
    AwaitingSellerExecution,
    AwaitingBuyerConfirmation,
    PlatformIntervention,
    Completed,
}

public enum TicketOutcome
{
    Shipped,
    AfterSale,
    BuyerAccepted,
    BuyerConfirmationTimedOut,
    OutOfStockCompensated,
    LateShipmentCompensated,
    ComplaintUpheld,
    ComplaintRejected,

    /// <summary>An operator completed the ticket (audited), with no compensation.</summary>
    ForceCompleted,
}

public enum CompensationKind
{
    OutOfStock,
    LateShipment,
    Complaint,
}

public enum WorkStatus
{
    Pending,
    Done,
    Failed,
}

public enum WorkKind
{
    SettleCompensation,
    DeliverNotice,
    FileComplaint,
}

public enum NoticeAudience
{
    Buyer,
    Seller,
}

/// <summary>The three replies a seller may give (XHS-2024 §2.3).</summary>
public enum ReplyKind
{
    Delay,
    Negotiate,
    CannotShip,
}

/// <summary>What a lapse, a rejected plan or a cannot-ship reply leads to.</summary>
public enum Consequence
{
    /// <summary>Auto-compensation paid to the buyer; the ticket completes.</summary>
    Compensate,

    /// <summary>The ticket goes to <see cref="TicketStatus.PlatformIntervention"/>.</summary>
    Escalate,
}

/// <summary>When an after-sale completes a ticket (RULES.md "After-sale").</summary>
public enum AfterSaleCompletion
{
    /// <summary>As soon as an after-sale is opened (XHS).</summary>
    OnOpened,

    /// <summary>Only when the refund is completed, <c>order.refunded</c> (Taobao, Tmall, Pinduoduo).</summary>
    OnRefundCompleted,
}

/// <summary>Force-majeure causes an appeal may cite (XHS-DELAY).</summary>
public enum ForceMajeure
{
    Disaster,
    PolicyControl,
    PlatformOutage,
}

/// <summary>The result of a <c>buyer.urged</c> on the wire.</summary>
public enum UrgeResult
{
    TicketOpened,
    TicketExists,
    NoTicket,
}
