using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;
using UrgeShipment.Functions.Projections;
using UrgeShipment.Functions.Security;

namespace UrgeShipment.Functions.Http;

/// <summary>Per-shop views: the compensation ledger and the shop's standing (violation points).</summary>
public sealed class ShopFunctions(ShopLedger ledger, ShopStandingReader standing)
{
    [Function(nameof(GetShopLedger))]
    [Authorize(Policy = Policies.Read)]
    public async Task<IResult> GetShopLedger(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/shops/{shopId}/ledger")] HttpRequest request,
        string shopId,
        CancellationToken cancellationToken)
    {
        if ((request.Caller().CheckShop(shopId) ?? WellFormed(shopId)) is { } denied)
        {
            return denied;
        }
        return TypedResults.Ok(await ledger.ReadAsync(shopId, cancellationToken));
    }

    [Function(nameof(GetShopStanding))]
    [Authorize(Policy = Policies.Read)]
    public async Task<IResult> GetShopStanding(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/shops/{shopId}/standing")] HttpRequest request,
        string shopId,
        CancellationToken cancellationToken)
    {
        if ((request.Caller().CheckShop(shopId) ?? WellFormed(shopId)) is { } denied)
        {
            return denied;
        }
        return TypedResults.Ok(await standing.ReadAsync(shopId, cancellationToken));
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? WellFormed(string shopId) =>
        TicketQuery.IsWellFormedShopId(shopId) ? null : Problems.Invalid(StatusCodes.Status400BadRequest, "shopId", "must be 1 to 128 printable characters.", "invalid_shop_id");
}
