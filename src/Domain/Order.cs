namespace UrgeShipment.Domain;

/// <summary>A SKU and a quantity, on an order or in a shipment.</summary>
public sealed record OrderLine(string Sku, int Qty);

/// <summary>The order as the marketplace describes it when the buyer urges (API.md <c>order</c>).</summary>
public sealed record Order(
    string OrderId,
    string ShopId,
    string BuyerId,
    Money PaidAmount,
    DateTimeOffset PaidAt,
    DateTimeOffset? PromisedShipBy,
    IReadOnlyList<OrderLine> Items,
    IReadOnlyList<OrderLine> ShippedItems,
    bool CustomCategory,
    bool VirtualCategory,
    Presale Presale,
    bool ExemptRegion,
    DateTimeOffset? ApprovedDelayShipBy,
    bool AfterSaleOpen)
{
    /// <summary>Promised ship time: <see cref="PromisedShipBy"/>, else paid time + the policy's default ship window.</summary>
    public DateTimeOffset PromisedShipTime(MarketplacePolicy policy) =>
        PromisedShipBy ?? PaidAt + policy.DefaultShipWindow;
}

/// <summary>One parcel reported by <c>order.shipped</c>.</summary>
public sealed record Shipment(string Carrier, string TrackingNo, IReadOnlyList<OrderLine> Items, bool Complete);

/// <summary>"All items shipped" (XHS-2024 全部发货): every SKU's cumulative shipped qty ≥ ordered qty.</summary>
public static class Fulfilment
{
    /// <summary>Cumulative shipped quantity per SKU.</summary>
    public static IReadOnlyDictionary<string, int> Quantities(IEnumerable<OrderLine> shipped)
    {
        var totals = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in shipped)
        {
            totals[line.Sku] = checked(totals.GetValueOrDefault(line.Sku) + Math.Max(0, line.Qty));
        }

        return totals;
    }

    /// <summary>True when every ordered SKU has shipped qty ≥ ordered qty (ordered lines for one SKU are summed).</summary>
    public static bool AllShipped(IReadOnlyList<OrderLine> ordered, IEnumerable<OrderLine> shipped)
    {
        var have = Quantities(shipped);
        var need = Quantities(ordered);
        return need.Count > 0 && need.All(line => have.GetValueOrDefault(line.Key) >= line.Value);
    }
}
