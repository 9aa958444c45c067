using Microsoft.AspNetCore.Http.HttpResults;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Security;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Http;

/// <summary>The checks every seller/admin endpoint makes, in one order: key (401), permission (403), ticket (404), shop (403).</summary>
public static class Access
{
    /// <summary>Null when the key is known and holds <paramref name="permission"/>; otherwise the problem to answer.</summary>
    public static ProblemHttpResult? Check(this Callers callers, HttpRequest request, string permission, out Caller caller)
    {
        caller = callers.Identify(request)!;
        if (caller is null)
        {
            return Problems.Unauthorized();
        }
        return caller.Can(permission) ? null : Problems.Forbidden($"This key lacks {permission}.");
    }

    /// <summary>
    /// Null when the caller may read <c>/metrics</c> and <c>/openapi/v1.json</c>: anyone when
    /// <c>Operations:AnonymousMetrics</c> is set (a scraper inside a private network), otherwise the admin or an operator.
    /// </summary>
    public static ProblemHttpResult? CheckOperations(this Callers callers, HttpRequest request, OperationsOptions options) =>
        options.AnonymousMetrics ? null : callers.Identify(request) switch
        {
            null => Problems.Unauthorized(),
            Caller.Admin or Caller.PlatformOperator => null,
            _ => Problems.Forbidden("Metrics and the API description are for the admin and operators (or set Operations:AnonymousMetrics)."),
        };

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
