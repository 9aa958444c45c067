using UrgeShipment.Domain;

namespace UrgeShipment.Functions.Activities;

/// <summary>One compensation to pay: debit the shop, credit the buyer, exactly once under <see cref="IdempotencyKey"/>.</summary>
public sealed record CompensationOrder(string IdempotencyKey, string TicketId, string Marketplace, string ShopId, string OrderId, string BuyerId,
    string Kind, string Amount, string Currency, DateTimeOffset AssessedAt);

/// <summary>One notice to send (a buyer chat card or a seller notice), rendered by the activity.</summary>
public sealed record NoticeOrder(string IdempotencyKey, string TicketId, string Marketplace, string ShopId, string OrderId, string BuyerId,
    string Audience, string Template, IReadOnlyDictionary<string, string> Parameters);

/// <summary>The complaint to file on the buyer's behalf (TB-2022).</summary>
public sealed record ComplaintFilingOrder(string IdempotencyKey, string TicketId, string Marketplace, string ShopId, string OrderId, string BuyerId);

/// <summary>What each effect activity is given, read off the ticket's state when the work item is started (pure).</summary>
public static class WorkOrders
{
    public static string IdempotencyKey(string ticketId, string workKey) => ticketId + ":" + workKey;

    /// <summary>A pending work item with its order, as <c>RecordTicket</c> performs it within a transition.</summary>
    public static Tickets.WorkOrder For(string ticketId, TicketState state, WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Kind switch
        {
            WorkKind.SettleCompensation => new Tickets.WorkOrder(item.Key, item.Kind, Settlement: Settlement(ticketId, state, item.Key)),
            WorkKind.DeliverNotice => new Tickets.WorkOrder(item.Key, item.Kind, Notice: Notice(ticketId, state, item.Key)),
            WorkKind.FileComplaint => new Tickets.WorkOrder(item.Key, item.Kind, Complaint: ComplaintFiling(ticketId, state, item.Key)),
            _ => throw new InvalidOperationException($"Unknown work kind {item.Kind}."),
        };
    }

    public static CompensationOrder Settlement(string ticketId, TicketState state, string key)
    {
        var compensation = state.Compensations.First(c => c.IdempotencyKey == key);
        var (order, policy) = Facts(state);
        return new CompensationOrder(IdempotencyKey(ticketId, key), ticketId, policy.Marketplace, order.ShopId, order.OrderId, order.BuyerId,
            compensation.Kind.WireName(), compensation.Amount.ToString(), Money.Currency, compensation.AssessedAt);
    }

    public static NoticeOrder Notice(string ticketId, TicketState state, string key)
    {
        var notice = state.Notices.First(n => n.Key == key);
        var (order, policy) = Facts(state);
        return new NoticeOrder(IdempotencyKey(ticketId, key), ticketId, policy.Marketplace, order.ShopId, order.OrderId, order.BuyerId,
            notice.Audience.WireName(), notice.Template, notice.Parameters);
    }

    public static ComplaintFilingOrder ComplaintFiling(string ticketId, TicketState state, string key)
    {
        var (order, policy) = Facts(state);
        return new ComplaintFilingOrder(IdempotencyKey(ticketId, key), ticketId, policy.Marketplace, order.ShopId, order.OrderId, order.BuyerId);
    }

    private static (Order Order, MarketplacePolicy Policy) Facts(TicketState state) =>
        (state.Order ?? throw new InvalidOperationException("Work on a ticket without an order."),
         state.Policy ?? throw new InvalidOperationException("Work on a ticket without a policy."));
}
