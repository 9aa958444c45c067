using System.Net;
using System.Text.Json.Nodes;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>The per-caller rate limit: each key its own window, a marketplace's webhooks theirs, past it 429 as a problem.</summary>
[Collection(HostCollection.Name)]
public sealed class RateLimitTests(AzuriteServer azurite)
{
    [Fact]
    public async Task PastItsLimit_AKeyGets429RateLimitedWithRetryAfter_WhileAnotherKeyAndTheWebhooksGoOn()
    {
        await using var host = new TicketHost(azurite, new Dictionary<string, string?>
        {
            ["RateLimits:PermitsPerMinute"] = "5",
            ["RateLimits:WebhookPermitsPerMinute"] = "3",
        });
        using var seller = host.As(TicketHost.SellerKey);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await seller.GetAsync("/api/tickets")).StatusCode);
        }
        using var limited = await seller.GetAsync("/api/tickets");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal("rate_limited", (string?)JsonNode.Parse(await limited.Content.ReadAsStringAsync())!["code"]);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is set");

        using var other = host.As(TicketHost.ReadOnlySellerKey);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/tickets")).StatusCode);
        using var anonymous = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode); // probes are never limited

        var now = host.Now;
        for (var i = 0; i < 3; i++)
        {
            await host.WebhookOkAsync("taobao", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3)));
        }
        var orderId = Payloads.NewOrderId();
        using var fourth = await host.WebhookAsync("taobao", Payloads.Urge(orderId, now, now.AddDays(-3)));
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        await host.WebhookOkAsync("xiaohongshu", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3))); // another marketplace's window
    }
}
