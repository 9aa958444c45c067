using Microsoft.AspNetCore.Http.HttpResults;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Security;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Http;

/// <summary>
/// The checks an endpoint makes after its policy (key 401, permission 403: <see cref="Policies"/>): ticket (404), then shop (403).
/// </summary>
public static class Access
{
    /// <summary>Null when the caller may see the shop; otherwise the 403 to answer.</summary>
    public static ProblemHttpResult? CheckShop(this Caller caller, string? shopId) =>
        caller.Sees(shopId) ? null : Problems.Forbidden(caller is Caller.Seller ? "Sellers see their own shop only." : "Not this shop.");

    /// <summary>The ticket as last recorded, when it exists and the caller may see it; otherwise the 404 or 403 to answer.</summary>
    public static async Task<(StoredTicket? Ticket, ProblemHttpResult? Problem)> VisibleTicketAsync(
        this TicketTable tickets, Caller caller, string ticketId, CancellationToken ct)
    {
        var stored = TicketIds.IsWellFormed(ticketId) ? await tickets.ReadAsync(ticketId, ct) : null;
        if (stored is null || stored.State.Status == TicketStatus.None)
        {
            return (null, Problems.TicketNotFound(ticketId));
        }
        return caller.Sees(stored.State.ShopId) ? (stored, null) : (null, Problems.Forbidden("This ticket belongs to another shop."));
    }
}
