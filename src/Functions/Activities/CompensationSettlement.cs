using System.Net;
using System.Net.Http.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using UrgeShipment.Functions.Projections;

namespace UrgeShipment.Functions.Activities;

/// <summary>Where compensation is paid out. Implementations must treat a repeated idempotency key as "already done".</summary>
public interface ICompensationGateway
{
    /// <summary>Pays, or confirms an earlier payment of the same key. Throws when it could not (the activity retries).</summary>
    Task SettleAsync(CompensationOrder order, CancellationToken cancellationToken);
}

public sealed class CompensationOptions
{
    /// <summary>Finance or marketplace endpoint that pays compensation; unset: the shop ledger alone records the settlement.</summary>
    public Uri? GatewayUrl { get; set; }
}

/// <summary>
/// Posts each compensation to a finance/marketplace URL with an <c>Idempotency-Key</c> header; a 2xx or a 409
/// (already settled under that key) is done, anything else fails the attempt, which the orchestration retries.
/// </summary>
public sealed class HttpCompensationGateway(HttpClient http, IOptions<CompensationOptions> options) : ICompensationGateway
{
    public async Task SettleAsync(CompensationOrder order, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Value.GatewayUrl) { Content = JsonContent.Create(order) };
        request.Headers.Add("Idempotency-Key", order.IdempotencyKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Conflict)
        {
            throw new HttpRequestException($"Compensation gateway answered {(int)response.StatusCode} for {order.IdempotencyKey}.", null, response.StatusCode);
        }
    }
}

/// <summary>
/// The settlement activity: pays through the gateway when one is configured, then writes the settlement to the shop
/// ledger (the book of record) once under the idempotency key. Every failure throws: money is never a best effort.
/// </summary>
public sealed class CompensationSettlement(ShopLedger ledger, TimeProvider clock, ICompensationGateway? gateway = null)
{
    [Function(TicketActivities.SettleCompensation)]
    public async Task<string> SettleCompensation([ActivityTrigger] CompensationOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (gateway is not null)
        {
            await gateway.SettleAsync(order, cancellationToken);
        }
        await ledger.RecordSettlementAsync(order, clock.GetUtcNow(), cancellationToken);
        return gateway is null ? "ledger" : "gateway";
    }
}
