using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>Compensation settlement through the HTTP gateway: at least once on our side, exactly once in effect.</summary>
[Collection(HostCollection.Name)]
public sealed class SettlementTests(AzuriteServer azurite)
{
    private static Dictionary<string, string?> Settings(string hub, Uri gateway, string role) => new()
    {
        ["Durable:HubName"] = hub,
        ["Compensation:GatewayUrl"] = gateway.ToString(),
        ["Role"] = role,
    };

    [Fact]
    public async Task CompensationDeliveredThreeTimesAndRacedWithARetry_SettlesOnce_WithOneIdempotencyKey()
    {
        await using var finance = await LocalHttpPeer.StartAsync();
        var hub = "s" + Guid.NewGuid().ToString("N")[..12];
        string ticketId;

        // 1. The web role alone (no queue functions): the XHS cannot-ship reply assesses out-of-stock compensation,
        //    and the settlement activity waits in the queue.
        await using (var web = new TicketHost(azurite, Settings(hub, finance.Url, "web")))
        {
            var now = web.Clock.GetUtcNow();
            var opened = await web.WebhookOkAsync("xiaohongshu", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3), "388.88"));
            ticketId = (string)opened["ticketId"]!;
            var (status, view) = await web.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "停产" });
            Assert.Equal(200, status);
            Assert.Equal("19.44", (string?)view["compensations"]![0]!["amount"]);
        }

        // 2. Deliver the settlement message three times: copy it twice more into the activity queue.
        var queue = new QueueClient(azurite.ConnectionString, hub.ToLowerInvariant() + "-activities");
        var messages = (await queue.PeekMessagesAsync(32)).Value;
        var settlement = Assert.Single(messages, m => m.MessageText.Contains("SettleCompensation", StringComparison.Ordinal));
        await queue.SendMessageAsync(settlement.MessageText);
        await queue.SendMessageAsync(settlement.MessageText);

        // 3. Workers start; the gateway fails the first attempt, so a retry races the two copies.
        finance.FailNext(1);
        await using var worker = new TicketHost(azurite, Settings(hub, finance.Url, "all"));
        var ticket = await worker.WaitUntilAsync(ticketId, t => (string?)t["compensations"]![0]!["status"] == "settled");
        await worker.SettledAsync(ticketId);

        var keys = finance.Requests.Select(r => r.Key).Distinct().ToList();
        Assert.Equal([ticketId + ":out_of_stock"], keys);
        Assert.True(finance.Requests.Count >= 2, $"the gateway saw {finance.Requests.Count} requests");
        var effect = Assert.Single(finance.Effects);
        Assert.Equal("19.44", (string?)effect.Value["amount"]);
        ticket = (await worker.TicketAsync(ticketId))!;
        Assert.Single(ticket["history"]!.AsArray(), h => (string?)h!["type"] == "compensation_settled");
        using var client = worker.As(TicketHost.AdminKey);
        var ledger = JsonNode.Parse(await client.GetStringAsync($"/api/shops/{TicketHost.Shop}/ledger"))!;
        var entry = Assert.Single(ledger["entries"]!.AsArray(), e => (string?)e!["ticketId"] == ticketId);
        Assert.Equal("settled", (string?)entry!["status"]);
        Assert.Equal("19.44", (string?)ledger["total"]);
    }

    [Fact]
    public async Task GatewayDownPastMaxDequeueCount_PoisonsVisibly_AndOperatorRetrySettles()
    {
        await using var finance = await LocalHttpPeer.StartAsync();
        finance.FailNext(int.MaxValue);
        var hub = "p" + Guid.NewGuid().ToString("N")[..12];
        await using var host = new TicketHost(azurite, Settings(hub, finance.Url, "all"));
        var now = host.Clock.GetUtcNow();
        var opened = await host.WebhookOkAsync("xiaohongshu", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3), "199.00"));
        var ticketId = (string)opened["ticketId"]!;
        await host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "缺货" });

        var poisoned = await host.WaitUntilAsync(ticketId,
            t => t["work"]!.AsArray().Any(w => (string?)w!["kind"] == "settle_compensation" && (string?)w["status"] == "failed"), TimeSpan.FromSeconds(60));
        Assert.True((bool?)poisoned["needsReview"]);
        Assert.Equal("pending", (string?)poisoned["compensations"]![0]!["status"]); // still owed
        Assert.True(finance.Requests.Count >= 3);

        finance.FailNext(0);
        using var admin = host.As(TicketHost.AdminKey);
        using var retry = await admin.PostAsync($"/api/tickets/{ticketId}/operator/retry-work",
            System.Net.Http.Json.JsonContent.Create(new { key = "out_of_stock", why = "finance gateway back up", @operator = "li.wei" }));
        Assert.True(retry.IsSuccessStatusCode, await retry.Content.ReadAsStringAsync());
        var settled = await host.WaitUntilAsync(ticketId, t => (string?)t["compensations"]![0]!["status"] == "settled", TimeSpan.FromSeconds(30));
        Assert.Contains(settled["history"]!.AsArray(), h => (string?)h!["type"] == "work_retried" && ((string?)h["operator"])!.Contains("li.wei", StringComparison.Ordinal));
        Assert.Single(finance.Effects);
    }
}
