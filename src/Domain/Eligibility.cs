namespace UrgeShipment.Domain;

/// <summary>What a <c>buyer.urged</c> leads to: the result on the wire and the reason code.</summary>
public sealed record UrgeOutcome(UrgeResult Result, string Code)
{
    public static readonly UrgeOutcome TicketOpened = new(UrgeResult.TicketOpened, UrgeResult.TicketOpened.WireName());
    public static readonly UrgeOutcome TicketExists = new(UrgeResult.TicketExists, UrgeResult.TicketExists.WireName());
    public static readonly UrgeOutcome AlreadyShipped = NoTicket("already_shipped");
    public static readonly UrgeOutcome AfterSaleOpen = NoTicket("after_sale_open");
    public static readonly UrgeOutcome WithinPromisedTime = NoTicket("within_promised_time");
    public static readonly UrgeOutcome ReportedDelayActive = NoTicket("reported_delay_active");
    public static readonly UrgeOutcome ExcludedCategory = NoTicket("excluded_category");
    public static readonly UrgeOutcome PresaleExcluded = NoTicket("presale");
    public static readonly UrgeOutcome ExemptRegion = NoTicket("exempt_region");

    /// <summary>The reason on the wire when no ticket opens (<c>no_ticket: reason</c>), else null.</summary>
    public string? Reason => Result == UrgeResult.NoTicket ? Code : null;

    public bool Opens => Result == UrgeResult.TicketOpened;

    private static UrgeOutcome NoTicket(string reason) => new(UrgeResult.NoTicket, reason);
}

/// <summary>Whether an urge opens a ticket: the nine checks of RULES.md, in order; the first that applies decides.</summary>
public static class Eligibility
{
    /// <param name="order">The order as the urge describes it.</param>
    /// <param name="policy">The marketplace policy in force at <paramref name="urgedAt"/>.</param>
    /// <param name="urgedAt">The urge's occurredAt (t).</param>
    /// <param name="ticketExists">A ticket already exists for (marketplace, orderId), in any state.</param>
    /// <param name="alreadyShipped">Extra shipped lines known for this order (cumulative with <see cref="Order.ShippedItems"/>).</param>
    public static UrgeOutcome Check(Order order, MarketplacePolicy policy, DateTimeOffset urgedAt, bool ticketExists = false, IEnumerable<OrderLine>? alreadyShipped = null)
    {
        if (ticketExists)
        {
            return UrgeOutcome.TicketExists;
        }

        if (Fulfilment.AllShipped(order.Items, order.ShippedItems.Concat(alreadyShipped ?? [])))
        {
            return UrgeOutcome.AlreadyShipped;
        }

        if (order.AfterSaleOpen)
        {
            return UrgeOutcome.AfterSaleOpen;
        }

        if (urgedAt <= order.PromisedShipTime(policy))
        {
            return UrgeOutcome.WithinPromisedTime;
        }

        if (order.ApprovedDelayShipBy is { } approved && urgedAt <= approved)
        {
            return UrgeOutcome.ReportedDelayActive;
        }

        if ((order.CustomCategory && policy.ExcludeCustomCategory) || (order.VirtualCategory && policy.ExcludeVirtualCategory))
        {
            return UrgeOutcome.ExcludedCategory;
        }

        if (order.Presale != Presale.None && policy.ExcludePresale)
        {
            return UrgeOutcome.PresaleExcluded;
        }

        if (order.ExemptRegion && policy.HonourExemptRegion)
        {
            return UrgeOutcome.ExemptRegion;
        }

        return UrgeOutcome.TicketOpened;
    }
}
