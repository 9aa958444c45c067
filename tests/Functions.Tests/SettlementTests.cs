using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using UrgeShipment.Functions.Activities;
using UrgeShipment.Functions.Tickets;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>Compensation settlement through the HTTP gateway: at least once on our side, exactly once in effect.</summary>
[Collection(HostCollection.Name)]
public sealed class SettlementTests(AzuriteServer azurite)
{
    private static Dictionary<string, string?> Settings(Uri gateway) => new() { ["Compensation:GatewayUrl"] = gateway.ToString() };

    [Fact]
    public async Task CompensationDeliveredThreeTimesAndRacedWithARetry_SettlesOnce_WithOneIdempotencyKey()
    {
        await using var finance = await LocalHttpPeer.StartAsync();
        finance.FailNext(1); // the orchestration's first attempt fails: its retry races the two extra deliveries below
        await using var host = new TicketHost(azurite, Settings(finance.Url));
        var now = host.Now;
        var opened = await host.WebhookOkAsync("xiaohongshu", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3), "388.88"));
        var ticketId = (string)opened["ticketId"]!;
        var (status, view) = await host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "停产" });
        Assert.Equal(200, status);
        Assert.Equal("19.44", (string?)view["compensations"]![0]!["amount"]);

        // The same settlement delivered twice more, at once, through the activity function itself (as a redelivered work item is).
        var stored = (await host.Services.GetRequiredService<TicketTable>().ReadAsync(ticketId, CancellationToken.None))!;
        var order = WorkOrders.Settlement(ticketId, stored.State, "out_of_stock");
        async Task DeliverAsync()
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await ActivatorUtilities.CreateInstance<CompensationSettlement>(host.Services).SettleCompensation(order, CancellationToken.None);
                    return;
                }
                catch (HttpRequestException) when (attempt < 3)
                {
                    // whichever delivery met the failing attempt is delivered again, as the retry policy would
                }
            }
        }
        await Task.WhenAll(DeliverAsync(), DeliverAsync());

        var ticket = await host.WaitUntilAsync(ticketId, t => (string?)t["compensations"]![0]!["status"] == "settled");
        await host.SettledAsync(ticketId);
        var keys = finance.Requests.Select(r => r.Key).Distinct().ToList();
        Assert.Equal([ticketId + ":out_of_stock"], keys);
        Assert.True(finance.Requests.Count >= 3, $"the gateway saw {finance.Requests.Count} requests");
        var effect = Assert.Single(finance.Effects);
        Assert.Equal("19.44", (string?)effect.Value["amount"]);
        ticket = (await host.TicketAsync(ticketId))!;
        Assert.Single(ticket["history"]!.AsArray(), h => (string?)h!["type"] == "compensation_settled");
        using var client = host.As(TicketHost.AdminKey);
        var ledger = JsonNode.Parse(await client.GetStringAsync($"/api/shops/{TicketHost.Shop}/ledger"))!;
        var entry = Assert.Single(ledger["entries"]!.AsArray(), e => (string?)e!["ticketId"] == ticketId);
        Assert.Equal("settled", (string?)entry!["status"]);
        Assert.Equal("19.44", (string?)ledger["total"]);
    }

    [Fact]
    public async Task GatewayDownPastTheRetryPolicy_FailsVisibly_AndOperatorRetrySettles()
    {
        await using var finance = await LocalHttpPeer.StartAsync();
        finance.FailNext(int.MaxValue);
        await using var host = new TicketHost(azurite, Settings(finance.Url));
        var now = host.Now;
        var opened = await host.WebhookOkAsync("xiaohongshu", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3), "199.00"));
        var ticketId = (string)opened["ticketId"]!;
        await host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "缺货" });

        var poisoned = await host.WaitUntilAsync(ticketId,
            t => t["work"]!.AsArray().Any(w => (string?)w!["kind"] == "settle_compensation" && (string?)w["status"] == "failed"), TimeSpan.FromSeconds(60));
        Assert.True((bool?)poisoned["needsReview"]);
        Assert.Equal("pending", (string?)poisoned["compensations"]![0]!["status"]); // still owed
        Assert.True(finance.Requests.Count >= 3);

        finance.FailNext(0);
        using var person = host.As(TicketHost.OperatorKey);
        using var retry = await person.PostAsync($"/api/tickets/{ticketId}/operator/retry-work",
            System.Net.Http.Json.JsonContent.Create(new { key = "out_of_stock", why = "finance gateway back up" }));
        Assert.True(retry.IsSuccessStatusCode, await retry.Content.ReadAsStringAsync());
        var settled = await host.WaitUntilAsync(ticketId, t => (string?)t["compensations"]![0]!["status"] == "settled", TimeSpan.FromSeconds(30));
        Assert.Contains(settled["history"]!.AsArray(), h => (string?)h!["type"] == "work_retried" && (string?)h["operator"] == TicketHost.OperatorName);
        Assert.Single(finance.Effects);
    }
}
