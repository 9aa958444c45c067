using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>
/// The refusals the hostile-input corpus found and what each answers: the status, the stable <c>code</c>, the field
/// named; and that nothing was stored.
/// </summary>
public sealed class RejectionTests(AzuriteServer azurite) : HostTests(azurite)
{
    private async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(code, (string?)problem["code"]);
        Assert.False(string.IsNullOrEmpty((string?)problem["traceId"]));
        return problem;
    }

    private async Task AssertNoTicketAsync(string orderId)
    {
        using var admin = Host.As(TicketHost.AdminKey);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/orders/taobao/{orderId}/ticket")).StatusCode);
    }

    private static string UrgeText(string orderId, DateTimeOffset now) => Payloads.Urge(orderId, now, now.AddDays(-3)).ToJsonString();

    [Fact]
    public async Task ADuplicateKey_Is400NamingIt_NotTheLastValueSilently()
    {
        var orderId = Payloads.NewOrderId();
        var body = UrgeText(orderId, Now).Replace("\"paidAmount\":\"199.00\"", "\"paidAmount\":\"199.00\",\"paidAmount\":\"0.01\"", StringComparison.Ordinal);
        using var response = await Host.WebhookAsync("taobao", body);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "duplicate_property");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("order.paidAmount"), problem.ToJsonString());
        await AssertNoTicketAsync(orderId);
    }

    [Fact]
    public async Task ALoneSurrogateInAnyString_Is400NamingTheField()
    {
        var orderId = Payloads.NewOrderId();
        var body = UrgeText(orderId, Now).Replace("\"buyer-1\"", "\"buyer-\\ud800\"", StringComparison.Ordinal);
        using var response = await Host.WebhookAsync("taobao", body);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_string");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("order.buyerId"), problem.ToJsonString());
        await AssertNoTicketAsync(orderId);
    }

    [Fact]
    public async Task InvalidUtf8_Is400()
    {
        var text = UrgeText(Payloads.NewOrderId(), Now);
        byte[] bytes = [.. Encoding.UTF8.GetBytes(text[..^2]), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(text[^2..])];
        using var client = Host.As(TicketHost.SellerKey);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var ticketId = (string)(await Host.WebhookOkAsync("taobao", Payloads.Urge(Payloads.NewOrderId(), Now, Now.AddDays(-3))))["ticketId"]!;
        using var response = await client.PostAsync($"/api/tickets/{ticketId}/reply", content);
        await ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_utf8");
        Assert.Equal("awaiting_seller_reply", (string?)(await Host.TicketAsync(ticketId))!["state"]);
    }

    [Fact]
    public async Task ANonJsonContentType_Is415()
    {
        var ticketId = (string)(await Host.WebhookOkAsync("taobao", Payloads.Urge(Payloads.NewOrderId(), Now, Now.AddDays(-3))))["ticketId"]!;
        using var client = Host.As(TicketHost.SellerKey);
        using var response = await client.PostAsync($"/api/tickets/{ticketId}/reply", new StringContent("{\"kind\":\"cannot_ship\",\"reason\":\"x\"}", Encoding.UTF8, "text/plain"));
        await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal("awaiting_seller_reply", (string?)(await Host.TicketAsync(ticketId))!["state"]);
    }

    [Fact]
    public async Task APaidAtInYear9999WithoutAPromisedShipTime_Is400NamingIt_NotA500()
    {
        var orderId = Payloads.NewOrderId();
        var body = Payloads.Urge(orderId, Now, Now.AddDays(-3));
        body["order"]!["paidAt"] = "9999-12-31T23:00:00+00:00";
        using var response = await Host.WebhookAsync("taobao", body);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("order.paidAt"), problem.ToJsonString());
        await AssertNoTicketAsync(orderId);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("1")]
    [InlineData("{\"advanceBy\":[]}")]
    public async Task ADevClockBodyThatIsNoObjectWithADuration_Is400NamingAdvanceBy(string body)
    {
        using var admin = Host.As(TicketHost.AdminKey);
        using var response = await admin.PostAsync("/api/dev/clock", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("advanceBy"), problem.ToJsonString());
    }

    [Fact]
    public async Task TheRouter_UnknownMethod405_AndBodyOverTheCap413_AreProblemsWithACode()
    {
        using var admin = Host.As(TicketHost.AdminKey);
        using (var response = await admin.DeleteAsync("/api/tickets"))
        {
            await ProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        }
        using (var response = await admin.PostAsync("/api/dev/clock", new StringContent("{\"advanceBy\":\"" + new string('x', 5000) + "\"}", Encoding.UTF8, "application/json")))
        {
            await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        }
    }

    [Fact]
    public async Task TheAdminKey_MayRead_ButMayNotReplyInAShopsName()
    {
        var ticketId = (string)(await Host.WebhookOkAsync("taobao", Payloads.Urge(Payloads.NewOrderId(), Now, Now.AddDays(-3))))["ticketId"]!;
        var (status, body) = await Host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "缺货" }, TicketHost.AdminKey);
        Assert.Equal(403, status);
        Assert.Equal("forbidden", (string?)body["code"]);
        Assert.Equal("awaiting_seller_reply", (string?)(await Host.TicketAsync(ticketId))!["state"]);
        using var admin = Host.As(TicketHost.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/tickets/{ticketId}")).StatusCode);
    }
}
