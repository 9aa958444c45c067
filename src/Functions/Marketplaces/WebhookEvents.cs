using System.Text.Json;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Http;

namespace UrgeShipment.Functions.Marketplaces;

/// <summary>A normalized webhook event, validated, ready to become a ticket command once the policy is known.</summary>
public sealed record WebhookEvent(string Type, string OrderId, DateTimeOffset OccurredAt, Func<MarketplacePolicy, DateTimeOffset, TicketCommand> ToCommand)
{
    public bool OpensTickets => Type == WebhookEvents.BuyerUrged;
}

/// <summary>The normalized webhook format of API.md: <c>{ type, occurredAt, ... }</c> → a domain command.</summary>
public static class WebhookEvents
{
    public const string BuyerUrged = "buyer.urged";

    public static readonly IReadOnlyList<string> Types =
    [
        BuyerUrged, "order.shipped", "order.after_sale_opened", "order.refunded", "order.delay_reported",
        "buyer.plan_accepted", "buyer.plan_rejected", "complaint.filed", "complaint.resolved",
    ];

    /// <summary>Parses and validates; returns null with <paramref name="errors"/> naming every bad field.</summary>
    public static WebhookEvent? Parse(JsonElement body, FieldErrors errors, DateTimeOffset now, TimeSpan maxFutureSkew)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("$", "must be a JSON object.");
            return null;
        }
        var type = errors.Text(body, "", "type", maxLength: 64);
        var occurredAt = errors.Instant(body, "", "occurredAt");
        if (occurredAt is { } at && at > now + maxFutureSkew)
        {
            errors.Add("occurredAt", $"is more than {maxFutureSkew.TotalSeconds:0} s in the future.");
        }
        if (type is not null && !Types.Contains(type))
        {
            errors.Add("type", $"must be one of: {string.Join(", ", Types)}.");
            return null;
        }
        if (type is null)
        {
            return null;
        }
        var parsed = type == BuyerUrged ? ParseUrge(body, errors) : ParseOrderEvent(type, body, errors);
        if (errors.Any || parsed is null || occurredAt is null)
        {
            return null;
        }
        var occurred = occurredAt.Value;
        return new WebhookEvent(type, parsed.Value.OrderId, occurred, (policy, arrival) => parsed.Value.Build(policy, occurred, arrival));
    }

    private static (string OrderId, Func<MarketplacePolicy, DateTimeOffset, DateTimeOffset, TicketCommand> Build)? ParseUrge(JsonElement body, FieldErrors errors)
    {
        if (errors.RequiredObject(body, "", "order") is not { } o)
        {
            return null;
        }
        const string p = "order";
        var orderId = errors.Text(o, p, "orderId");
        var shopId = errors.Text(o, p, "shopId");
        var buyerId = errors.Text(o, p, "buyerId");
        var paid = errors.Amount(o, p, "paidAmount");
        var currency = errors.Text(o, p, "currency", maxLength: 3);
        if (currency is not null && currency != "CNY")
        {
            errors.Add("order.currency", "must be CNY.");
        }
        var paidAt = errors.Instant(o, p, "paidAt");
        var promised = errors.Instant(o, p, "promisedShipBy", required: false);
        var items = errors.Lines(o, p, "items");
        var shipped = errors.Lines(o, p, "shippedItems", required: false, allowEmpty: true) ?? [];
        if (items is not null)
        {
            foreach (var line in shipped.Where(s => items.All(i => i.Sku != s.Sku)))
            {
                errors.Add("order.shippedItems", $"names SKU '{line.Sku}', which is not in order.items.");
            }
        }
        var custom = false;
        var isVirtual = false;
        if (errors.Optional(o, p, "category") is { } category)
        {
            if (category.ValueKind != JsonValueKind.Object)
            {
                errors.Add("order.category", "must be an object { custom, virtual }.");
            }
            else
            {
                custom = errors.Boolean(category, "order.category", "custom", required: false) ?? false;
                isVirtual = errors.Boolean(category, "order.category", "virtual", required: false) ?? false;
            }
        }
        var presale = errors.Enum<Presale>(o, p, "presale", required: false) ?? Presale.None;
        var exempt = errors.Boolean(o, p, "exemptRegion", required: false) ?? false;
        var delayShipBy = errors.Instant(o, p, "approvedDelayShipBy", required: false);
        var afterSale = errors.Boolean(o, p, "afterSaleOpen", required: false) ?? false;
        if (paidAt is { } paidTime && promised is { } promisedTime && promisedTime < paidTime)
        {
            errors.Add("order.promisedShipBy", "must not be before order.paidAt.");
        }
        if (orderId is null || shopId is null || buyerId is null || paid is null || paidAt is null || items is null)
        {
            return null;
        }
        var order = new Order(orderId, shopId, buyerId, paid.Value, paidAt.Value, promised, items, shipped,
            custom, isVirtual, presale, exempt, delayShipBy, afterSale);
        return (orderId, (policy, occurredAt, now) => new UrgeShipment.Domain.UrgeShipment(order, policy, occurredAt, now));
    }

    private static (string OrderId, Func<MarketplacePolicy, DateTimeOffset, DateTimeOffset, TicketCommand> Build)? ParseOrderEvent(
        string type, JsonElement body, FieldErrors errors)
    {
        var orderId = errors.Text(body, "", "orderId");
        Func<MarketplacePolicy, DateTimeOffset, DateTimeOffset, TicketCommand>? build = null;
        switch (type)
        {
            case "order.shipped":
                if (errors.RequiredObject(body, "", "shipment") is { } s)
                {
                    var carrier = errors.Text(s, "shipment", "carrier");
                    var tracking = errors.Text(s, "shipment", "trackingNo");
                    var items = errors.Lines(s, "shipment", "items", allowEmpty: true);
                    var complete = errors.Boolean(s, "shipment", "complete", required: false) ?? false;
                    if (carrier is not null && tracking is not null && items is not null)
                    {
                        var shipment = new Shipment(carrier, tracking, items, complete);
                        build = (_, at, now) => new RecordShipment(shipment, at, now);
                    }
                }
                break;
            case "order.after_sale_opened":
                if (errors.Enum<AfterSaleKind>(body, "", "kind") is { } kind)
                {
                    build = (_, at, now) => new OpenAfterSale(kind, at, now);
                }
                break;
            case "order.refunded":
                build = (_, at, now) => new CompleteRefund(at, now);
                break;
            case "order.delay_reported":
                if (errors.Instant(body, "", "approvedShipBy") is { } shipBy)
                {
                    build = (_, at, now) => new ReportDelay(shipBy, at, now);
                }
                break;
            case "buyer.plan_accepted":
                build = (_, at, now) => new AcceptPlan(at, now);
                break;
            case "buyer.plan_rejected":
                build = (_, at, now) => new RejectPlan(at, now);
                break;
            case "complaint.filed":
                if (errors.Enum<ComplaintReason>(body, "", "reason") is { } reason)
                {
                    build = (_, at, now) => new FileComplaint(reason, at, now);
                }
                break;
            case "complaint.resolved":
                var upheld = errors.Boolean(body, "", "upheld", required: true);
                var amount = errors.Amount(body, "", "compensationAmount", required: false, allowZero: true);
                if (upheld is { } u)
                {
                    build = (_, at, now) => new ResolveComplaint(u, amount, at, now);
                }
                break;
            default:
                errors.Add("type", "is not supported.");
                break;
        }
        return orderId is null || build is null ? null : (orderId, build);
    }
}
