using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using UrgeShipment.Durable;

namespace UrgeShipment.Functions.Activities;

/// <summary>One compensation to pay: debit the shop, credit the buyer, exactly once under <see cref="IdempotencyKey"/>.</summary>
public sealed record CompensationOrder(string IdempotencyKey, string TicketId, string Marketplace, string ShopId, string OrderId, string BuyerId,
    string Kind, string Amount, string Currency);

/// <summary>Where compensation is settled. Implementations must treat a repeated idempotency key as "already done".</summary>
public interface ICompensationGateway
{
    /// <summary>Settles, or confirms an earlier settlement of the same key. Throws when it could not (the activity retries).</summary>
    Task<string> SettleAsync(CompensationOrder order, CancellationToken cancellationToken);
}

public sealed class CompensationOptions
{
    /// <summary>Finance or marketplace endpoint that pays compensation; unset: the shop ledger is the settlement record.</summary>
    public Uri? GatewayUrl { get; set; }
}

/// <summary>
/// The default gateway: the shop ledger is the book of record. Settling is recording: the ticket marks the
/// compensation settled and the ledger projection shows the debit (shop) and credit (buyer) under its key.
/// </summary>
public sealed class LedgerGateway : ICompensationGateway
{
    public Task<string> SettleAsync(CompensationOrder order, CancellationToken cancellationToken) => Task.FromResult("ledger");
}

/// <summary>
/// Posts each compensation to a finance/marketplace URL with an <c>Idempotency-Key</c> header; a 2xx or a 409
/// (already settled under that key) is done, anything else fails the attempt, which the runtime retries with backoff.
/// </summary>
public sealed class HttpCompensationGateway(HttpClient http, IOptions<CompensationOptions> options) : ICompensationGateway
{
    public async Task<string> SettleAsync(CompensationOrder order, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Value.GatewayUrl) { Content = JsonContent.Create(order) };
        request.Headers.Add("Idempotency-Key", order.IdempotencyKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Conflict)
        {
            return $"http {(int)response.StatusCode}";
        }
        throw new HttpRequestException($"Compensation gateway answered {(int)response.StatusCode} for {order.IdempotencyKey}.", null, response.StatusCode);
    }
}

/// <summary>The settlement activity: reads the compensation committed with the decision and settles it through the gateway.</summary>
public sealed class CompensationSettlement(ICompensationGateway gateway) : IActivityHandler
{
    public string Name => "SettleCompensation";

    public Task<string> RunAsync(ActivityContext context, CancellationToken cancellationToken) =>
        gateway.SettleAsync(OrderOf(context), cancellationToken);

    public static CompensationOrder OrderOf(ActivityContext context)
    {
        var payload = JsonSerializer.Deserialize<WorkPayloadData>(context.Request.Payload)
            ?? throw new InvalidOperationException($"Empty settlement payload for {context.Request.IdempotencyKey}.");
        var compensation = payload.Compensation
            ?? throw new InvalidOperationException($"Settlement payload without compensation for {context.Request.IdempotencyKey}.");
        return new CompensationOrder(context.InstanceId + ":" + context.Request.IdempotencyKey, context.InstanceId, payload.Marketplace ?? "",
            payload.ShopId ?? "", payload.OrderId ?? "", payload.BuyerId ?? "", compensation.Kind, compensation.Amount, "CNY");
    }
}
