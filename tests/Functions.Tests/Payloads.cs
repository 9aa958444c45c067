using System.Text.Json.Nodes;

namespace UrgeShipment.Functions.Tests;

/// <summary>Normalized webhook bodies of API.md, built the way a marketplace sends them.</summary>
public static class Payloads
{
    public static string NewOrderId() => "o-" + Guid.NewGuid().ToString("N")[..10];

    public static JsonObject Urge(string orderId, DateTimeOffset occurredAt, DateTimeOffset paidAt, string paidAmount = "199.00",
        string shopId = TicketHost.Shop, Action<JsonObject>? order = null)
    {
        var o = new JsonObject
        {
            ["orderId"] = orderId,
            ["shopId"] = shopId,
            ["buyerId"] = "buyer-1",
            ["paidAmount"] = paidAmount,
            ["currency"] = "CNY",
            ["paidAt"] = paidAt.ToString("O"),
            ["items"] = new JsonArray(new JsonObject { ["sku"] = "SKU-1", ["qty"] = 2 }, new JsonObject { ["sku"] = "SKU-2", ["qty"] = 1 }),
        };
        order?.Invoke(o);
        return new JsonObject { ["type"] = "buyer.urged", ["occurredAt"] = occurredAt.ToString("O"), ["order"] = o };
    }

    public static JsonObject Shipped(string orderId, DateTimeOffset occurredAt, bool complete = false, params (string Sku, int Qty)[] items)
    {
        var lines = new JsonArray();
        foreach (var (sku, qty) in items)
        {
            lines.Add(new JsonObject { ["sku"] = sku, ["qty"] = qty });
        }
        return new JsonObject
        {
            ["type"] = "order.shipped",
            ["occurredAt"] = occurredAt.ToString("O"),
            ["orderId"] = orderId,
            ["shipment"] = new JsonObject { ["carrier"] = "SF", ["trackingNo"] = "SF" + Guid.NewGuid().ToString("N")[..12], ["items"] = lines, ["complete"] = complete },
        };
    }

    public static JsonObject ShippedAll(string orderId, DateTimeOffset occurredAt) => Shipped(orderId, occurredAt, false, ("SKU-1", 2), ("SKU-2", 1));

    public static JsonObject Simple(string type, string orderId, DateTimeOffset occurredAt, Action<JsonObject>? extra = null)
    {
        var body = new JsonObject { ["type"] = type, ["occurredAt"] = occurredAt.ToString("O"), ["orderId"] = orderId };
        extra?.Invoke(body);
        return body;
    }
}
