using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using UrgeShipment.Domain;
using UrgeShipment.Durable;
using UrgeShipment.Functions.Marketplaces;
using UrgeShipment.Functions.Security;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Http;

public sealed record WebhookResponse(
    string Outcome,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? TicketId = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

/// <summary>
/// <c>POST /api/webhooks/{marketplace}</c>: verify (size, timestamp, signature), parse, then apply as a ticket
/// command whose id is the event id, so a redelivery returns the first result and writes nothing.
/// A 2xx means the event is committed.
/// </summary>
public static class WebhooksApi
{
    public const int MaxBodyBytes = 64 * 1024;
    private static readonly TimeSpan TimestampWindow = TimeSpan.FromSeconds(300);

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/webhooks/{marketplace}", ReceiveAsync)
            .WithName("ReceiveWebhook")
            .WithTags("Webhooks")
            .DisableAntiforgery();
        return app;
    }

    public static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> ReceiveAsync(
        string marketplace, HttpRequest request, MarketplaceCatalog catalog, TicketStore tickets, TimeProvider clock, CancellationToken ct)
    {
        if (!catalog.IsServed(marketplace))
        {
            return Problems.Of(StatusCodes.Status404NotFound, "unknown_marketplace", "Unknown marketplace.",
                $"'{marketplace}' is not configured here (it needs a policy and a webhook secret).");
        }
        var body = await ReadBodyAsync(request, ct);
        if (body is null)
        {
            return Problems.Of(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "Body too large.", $"Webhook bodies are limited to {MaxBodyBytes} bytes.");
        }
        var now = clock.GetUtcNow();
        var timestamp = request.Headers["X-Timestamp"].ToString();
        if (!WebhookSignature.IsFresh(timestamp, now, TimestampWindow))
        {
            return Problems.Of(StatusCodes.Status401Unauthorized, "stale_timestamp", "Missing or stale X-Timestamp.",
                "X-Timestamp must be Unix seconds within 300 s of the server clock.");
        }
        if (!WebhookSignature.Verify(catalog.SecretFor(marketplace)!, timestamp, body, request.Headers["X-Signature"].ToString()))
        {
            return Problems.Of(StatusCodes.Status401Unauthorized, "invalid_signature", "Missing or invalid X-Signature.",
                "X-Signature must be sha256=<hex HMAC-SHA256(secret, \"{X-Timestamp}.{body}\")>.");
        }
        var eventId = request.Headers["X-Event-Id"].ToString();
        if (string.IsNullOrWhiteSpace(eventId) || eventId.Length > 200 || eventId.Any(char.IsControl))
        {
            return Problems.Invalid(StatusCodes.Status400BadRequest, "X-Event-Id", "is required: a unique id per event, at most 200 characters.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed_json", "The body is not valid JSON.");
        }
        using (document)
        {
            var errors = new FieldErrors();
            var policyNow = catalog.PolicyAt(marketplace, now)!;
            var parsed = WebhookEvents.Parse(document.RootElement, errors, now, policyNow.MaxFutureSkew);
            if (parsed is null)
            {
                return Problems.Invalid(StatusCodes.Status400BadRequest, errors.ToDictionary());
            }
            var ticketId = TicketIds.For(marketplace, parsed.OrderId);
            var before = await tickets.PeekAsync(ticketId, ct);
            if (before is null && !parsed.OpensTickets)
            {
                // Nothing was ever recorded for this order: acknowledge, store nothing.
                return TypedResults.Ok(new WebhookResponse("ignored", Reason: "no_ticket"));
            }
            var policy = parsed.OpensTickets ? catalog.PolicyAt(marketplace, parsed.OccurredAt) : before!.State.Policy ?? policyNow;
            if (policy is null)
            {
                return Problems.Invalid(StatusCodes.Status400BadRequest, "occurredAt", $"is before any {marketplace} policy took effect.");
            }
            var result = await tickets.ExecuteAsync(ticketId, "webhook:" + eventId, parsed.ToCommand(policy, now), ct);
            return result.Outcome == CommandOutcome.Rejected
                ? Problems.Invalid(StatusCodes.Status400BadRequest, FieldOf(result.RejectionCode!), result.RejectionDetail ?? result.RejectionCode!, result.RejectionCode!)
                : TypedResults.Ok(WebhookOutcomes.Describe(ticketId, result));
        }
    }

    /// <summary>Reads the raw body (the signature covers the exact bytes); null when it is over the limit.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }
            await buffer.WriteAsync(chunk.AsMemory(0, read), ct);
        }
        return buffer.ToArray();
    }

    private static string FieldOf(string code) => code switch
    {
        "occurred_in_future" => "occurredAt",
        "unknown_sku" or "invalid_quantity" => "shipment.items",
        "invalid_amount" => "compensationAmount",
        _ => "type",
    };
}
