using System.Text.Json.Serialization;

namespace UrgeShipment.Functions.Activities;

/// <summary>What <see cref="Tickets.WorkPayload"/> writes into an activity message: the facts the activity needs, as committed.</summary>
public sealed record WorkPayloadData(
    [property: JsonPropertyName("shopId")] string? ShopId,
    [property: JsonPropertyName("orderId")] string? OrderId,
    [property: JsonPropertyName("buyerId")] string? BuyerId,
    [property: JsonPropertyName("marketplace")] string? Marketplace,
    [property: JsonPropertyName("compensation")] CompensationData? Compensation,
    [property: JsonPropertyName("notice")] NoticeData? Notice);

public sealed record CompensationData([property: JsonPropertyName("kind")] string Kind, [property: JsonPropertyName("amount")] string Amount);

public sealed record NoticeData(
    [property: JsonPropertyName("audience")] string Audience,
    [property: JsonPropertyName("template")] string Template,
    [property: JsonPropertyName("parameters")] IReadOnlyDictionary<string, string> Parameters);
