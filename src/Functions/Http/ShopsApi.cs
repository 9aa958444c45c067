using Microsoft.AspNetCore.Http.HttpResults;
using UrgeShipment.Functions.Projections;
using UrgeShipment.Functions.Security;

namespace UrgeShipment.Functions.Http;

/// <summary>Per-shop views: the compensation ledger.</summary>
public static class ShopsApi
{
    public static IEndpointRouteBuilder MapShops(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/shops/{shopId}/ledger", LedgerAsync).WithTags("Shops").WithName("GetShopLedger");
        app.MapGet("/api/shops/{shopId}/standing", StandingAsync).WithTags("Shops").WithName("GetShopStanding");
        return app;
    }

    public static async Task<Results<Ok<LedgerView>, ProblemHttpResult>> LedgerAsync(
        string shopId, HttpRequest request, Callers callers, ShopLedger ledger, CancellationToken ct)
    {
        if ((callers.Check(request, Permissions.Read, out var caller) ?? caller.CheckShop(shopId)) is { } denied)
        {
            return denied;
        }
        return TypedResults.Ok(await ledger.ReadAsync(shopId, ct));
    }

    public static async Task<Results<Ok<StandingView>, ProblemHttpResult>> StandingAsync(
        string shopId, HttpRequest request, Callers callers, ShopStandingReader standing, CancellationToken ct)
    {
        if ((callers.Check(request, Permissions.Read, out var caller) ?? caller.CheckShop(shopId)) is { } denied)
        {
            return denied;
        }
        return TypedResults.Ok(await standing.ReadAsync(shopId, ct));
    }
}
