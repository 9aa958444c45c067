using System.Net;
using System.Text.Json.Nodes;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>Webhook contract of API.md: signature, timestamp, dedupe, size, and bad input that changes nothing.</summary>
public sealed class WebhookContractTests(AzuriteServer azurite) : HostTests(azurite)
{

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task AssertNoTicketAsync(string marketplace, string orderId)
    {
        using var client = Host.As(TicketHost.AdminKey);
        using var response = await client.GetAsync($"/api/orders/{marketplace}/{orderId}/ticket");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task WrongSecret_Is401AndStoresNothing()
    {
        var orderId = Payloads.NewOrderId();
        using var response = await Host.WebhookAsync("xiaohongshu", Payloads.Urge(orderId, Now, Now.AddDays(-3)), secret: "wrong");
        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_signature", (string?)problem["code"]);
        await AssertNoTicketAsync("xiaohongshu", orderId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256=")]
    [InlineData("sha256=zz")]
    [InlineData("md5=abcd")]
    public async Task MissingOrMalformedSignature_Is401(string signature)
    {
        using var response = await Host.WebhookAsync("taobao", Payloads.Urge(Payloads.NewOrderId(), Now, Now.AddDays(-3)), signature: signature);
        Assert.Equal("invalid_signature", (string?)(await ProblemAsync(response, HttpStatusCode.Unauthorized))["code"]);
    }

    // X-Timestamp is whole seconds and the request takes its time to arrive: 10 s of margin on either side of the window,
    // so a loaded machine cannot move a test value across the 300 s line.
    [Theory]
    [InlineData(-310)]
    [InlineData(310)]
    public async Task TimestampOutside300s_Is401(int offsetSeconds)
    {
        var orderId = Payloads.NewOrderId();
        using var response = await Host.WebhookAsync("taobao", Payloads.Urge(orderId, Now, Now.AddDays(-3)), timestamp: Now.AddSeconds(offsetSeconds));
        Assert.Equal("stale_timestamp", (string?)(await ProblemAsync(response, HttpStatusCode.Unauthorized))["code"]);
        await AssertNoTicketAsync("taobao", orderId);
    }

    [Fact]
    public async Task TimestampWithin300s_IsAccepted()
    {
        // Just inside the window (the host's clock runs on while the request travels; the exact bound is a unit test).
        using var response = await Host.WebhookAsync("taobao", Payloads.Urge(Payloads.NewOrderId(), Now, Now.AddDays(-3)), timestamp: Now.AddSeconds(-290));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("douyin")]
    [InlineData("no-such")]
    public async Task UnknownOrUnconfiguredMarketplace_Is404(string marketplace)
    {
        using var response = await Host.WebhookAsync(marketplace, Payloads.Urge(Payloads.NewOrderId(), Now, Now.AddDays(-3)), secret: "x");
        Assert.Equal("unknown_marketplace", (string?)(await ProblemAsync(response, HttpStatusCode.NotFound))["code"]);
    }

    [Fact]
    public async Task BodyOver64KiB_Is413()
    {
        var body = Payloads.Urge(Payloads.NewOrderId(), Now, Now.AddDays(-3), order: o => o["padding"] = new string('x', 70_000));
        using var response = await Host.WebhookAsync("xiaohongshu", body);
        Assert.Equal("payload_too_large", (string?)(await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge))["code"]);
    }

    [Fact]
    public async Task Redelivery_WithSameEventId_ReturnsFirstResultAndAppliesOnce()
    {
        var orderId = Payloads.NewOrderId();
        var body = Payloads.Urge(orderId, Now, Now.AddDays(-3));
        var first = await Host.WebhookOkAsync("xiaohongshu", body, eventId: "evt-" + orderId);
        var again = await Host.WebhookOkAsync("xiaohongshu", body, eventId: "evt-" + orderId);
        Assert.Equal("ticket_opened", (string?)first["outcome"]);
        Assert.Equal(first.ToJsonString(), again.ToJsonString());
        var ticket = (await Host.TicketAsync((string)first["ticketId"]!))!;
        Assert.Single(ticket["history"]!.AsArray(), h => (string?)h!["type"] == "ticket_opened");

        // Concurrent redeliveries too.
        var shipped = Payloads.Shipped(orderId, Now, false, ("SKU-1", 1));
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Host.WebhookOkAsync("xiaohongshu", shipped, eventId: "ship-" + orderId)));
        Assert.All(answers, a => Assert.Equal("applied", (string?)a["outcome"]));
        ticket = (await Host.TicketAsync((string)first["ticketId"]!))!;
        Assert.Single(ticket["history"]!.AsArray(), h => (string?)h!["type"] == "shipment_recorded");
    }

    [Fact]
    public async Task Redelivery_WithSameEventIdButAnotherBody_ReturnsTheFirstResult_AndOpensNoSecondTicket()
    {
        var first = Payloads.NewOrderId();
        var other = Payloads.NewOrderId();
        var eventId = "evt-" + first;
        var opened = await Host.WebhookOkAsync("taobao", Payloads.Urge(first, Now, Now.AddDays(-3)), eventId: eventId);
        var again = await Host.WebhookOkAsync("taobao", Payloads.Urge(other, Now, Now.AddDays(-3), "10.00"), eventId: eventId);
        Assert.Equal(opened.ToJsonString(), again.ToJsonString());
        await AssertNoTicketAsync("taobao", other);
        var ticket = (await Host.TicketAsync((string)opened["ticketId"]!))!;
        Assert.Equal("199.00", (string?)ticket["order"]!["paidAmount"]);
    }

    [Fact]
    public async Task EventAboutUnknownOrder_IsIgnoredNoTicketAndStoresNothing()
    {
        var orderId = Payloads.NewOrderId();
        var answer = await Host.WebhookOkAsync("pinduoduo", Payloads.ShippedAll(orderId, Now));
        Assert.Equal("ignored", (string?)answer["outcome"]);
        Assert.Equal("no_ticket", (string?)answer["reason"]);
        await AssertNoTicketAsync("pinduoduo", orderId);
    }

    [Fact]
    public async Task EventAboutCompletedTicket_IsIgnoredTicketCompleted()
    {
        var orderId = Payloads.NewOrderId();
        await Host.WebhookOkAsync("taobao", Payloads.Urge(orderId, Now, Now.AddDays(-3)));
        await Host.WebhookOkAsync("taobao", Payloads.ShippedAll(orderId, Now));
        var answer = await Host.WebhookOkAsync("taobao", Payloads.Simple("order.refunded", orderId, Now));
        Assert.Equal("ignored", (string?)answer["outcome"]);
        Assert.Equal("ticket_completed", (string?)answer["reason"]);
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { "{not json", "" },
        { "[]", "$" },
        { """{"type":"buyer.urged"}""", "occurredAt" },
        { """{"type":"no.such","occurredAt":"2026-11-23T02:00:00Z"}""", "type" },
        { """{"type":"buyer.urged","occurredAt":"2026-11-23T02:00:00Z","order":{"orderId":"o1","shopId":"s","buyerId":"b","paidAmount":"-1.00","currency":"CNY","paidAt":"2026-11-20T00:00:00Z","items":[{"sku":"A","qty":1}]}}""", "order.paidAmount" },
        { """{"type":"buyer.urged","occurredAt":"2026-11-23T02:00:00Z","order":{"orderId":"o1","shopId":"s","buyerId":"b","paidAmount":"1e30","currency":"CNY","paidAt":"2026-11-20T00:00:00Z","items":[{"sku":"A","qty":1}]}}""", "order.paidAmount" },
        { """{"type":"buyer.urged","occurredAt":"2026-11-23T02:00:00Z","order":{"orderId":"o1","shopId":"s","buyerId":"b","paidAmount":"9.999","currency":"CNY","paidAt":"2026-11-20T00:00:00Z","items":[{"sku":"A","qty":1}]}}""", "order.paidAmount" },
        { """{"type":"buyer.urged","occurredAt":"2026-11-23T02:00:00Z","order":{"orderId":"o1","shopId":"s","buyerId":"b","paidAmount":"9.99","currency":"USD","paidAt":"2026-11-20T00:00:00Z","items":[{"sku":"A","qty":1}]}}""", "order.currency" },
        { """{"type":"buyer.urged","occurredAt":"2026-11-23T02:00:00Z","order":{"orderId":"o1","shopId":"s","buyerId":"b","paidAmount":"9.99","currency":"CNY","paidAt":"2026-11-20T00:00:00","items":[{"sku":"A","qty":1}]}}""", "order.paidAt" },
        { """{"type":"buyer.urged","occurredAt":"2026-11-23T02:00:00Z","order":{"orderId":"o1","shopId":"s","buyerId":"b","paidAmount":"9.99","currency":"CNY","paidAt":"2026-11-20T00:00:00Z","items":[]}}""", "order.items" },
        { """{"type":"buyer.urged","occurredAt":"2026-11-23T02:00:00Z","order":{"orderId":"o1","shopId":"s","buyerId":"b","paidAmount":"9.99","currency":"CNY","paidAt":"2026-11-20T00:00:00Z","items":[{"sku":"A","qty":"1"}]}}""", "order.items[0].qty" },
        { """{"type":"buyer.urged","occurredAt":"2026-11-23T02:00:00Z","order":{"orderId":"o1","shopId":"s","buyerId":"b","paidAmount":"9.99","currency":"CNY","paidAt":"2026-11-20T00:00:00Z","items":[{"sku":"A","qty":1}],"shippedItems":[{"sku":"B","qty":1}]}}""", "order.shippedItems" },
        { """{"type":"order.shipped","occurredAt":"2026-11-23T02:00:00Z","orderId":"o1","shipment":{"carrier":"SF","items":[]}}""", "shipment.trackingNo" },
        { """{"type":"complaint.resolved","occurredAt":"2026-11-23T02:00:00Z","orderId":"o1","upheld":"yes"}""", "upheld" },
        { """{"type":"order.after_sale_opened","occurredAt":"2026-11-23T02:00:00Z","orderId":"o1","kind":"exchange"}""", "kind" },
        { """{"type":"order.refunded","occurredAt":"2030-01-01T00:00:00Z","orderId":"o1"}""", "occurredAt" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task MalformedOrInvalidBody_Is400NamingTheFieldAndStoresNothing(string body, string field)
    {
        using var response = await Host.WebhookAsync("xiaohongshu", body);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        if (field.Length == 0)
        {
            Assert.Equal("malformed_json", (string?)problem["code"]);
        }
        else
        {
            Assert.True(problem["errors"]?.AsObject().ContainsKey(field), $"errors should name {field}: {problem.ToJsonString()}");
        }
        await AssertNoTicketAsync("xiaohongshu", "o1");
    }

    [Fact]
    public async Task ShipmentNamingUnknownSku_Is400AndChangesNothing()
    {
        var orderId = Payloads.NewOrderId();
        var opened = await Host.WebhookOkAsync("xiaohongshu", Payloads.Urge(orderId, Now, Now.AddDays(-3)));
        var ticketId = (string)opened["ticketId"]!;
        using var response = await Host.WebhookAsync("xiaohongshu", Payloads.Shipped(orderId, Now, false, ("NOPE", 1)));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("unknown_sku", (string?)problem["code"]);
        var ticket = (await Host.TicketAsync(ticketId))!;
        Assert.DoesNotContain(ticket["history"]!.AsArray(), h => (string?)h!["type"] == "shipment_recorded");
    }
}
