using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using UrgeShipment.Functions.Tickets;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>
/// The shop ledger reconciles exactly with the tickets' compensations over a randomized run of 300 tickets
/// across marketplaces, shops and every compensating path; standing and retention read the same books.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class LedgerReconciliationTests(AzuriteServer azurite)
{
    private static readonly string[] Shops = [TicketHost.Shop, TicketHost.OtherShop, "shop-c"];

    [Fact]
    public async Task LedgerTotals_EqualTheSumOfTicketCompensations_After300RandomTickets()
    {
        await using var host = new TicketHost(azurite);
        var random = new Random(20261123);
        var start = host.Now;
        var tickets = new List<(string TicketId, string Shop)>();
        for (var batch = 0; batch < 30; batch++)
        {
            var plans = Enumerable.Range(0, 10).Select(_ => (
                Path: random.Next(7),
                Shop: Shops[random.Next(Shops.Length)],
                Paid: (random.Next(100, 500_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture),
                Platform: (random.Next(0, 20_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture))).ToList();
            tickets.AddRange(await Task.WhenAll(plans.Select(p => RunAsync(host, p.Path, p.Shop, p.Paid, p.Platform, start))));
        }

        // Every XHS ticket still awaiting a reply lapses into late-shipment compensation.
        await host.AdvanceClockAsync(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(121));
        var views = new List<(string Shop, JsonObject View)>();
        foreach (var (ticketId, shop) in tickets)
        {
            var view = await host.WaitUntilAsync(ticketId, t =>
                (string?)t["state"] != "awaiting_seller_reply" && t["work"]!.AsArray().All(w => (string?)w!["status"] != "pending"), TimeSpan.FromSeconds(60));
            views.Add((shop, view));
        }

        using var admin = host.As(TicketHost.AdminKey);
        var compensated = 0;
        foreach (var shop in Shops)
        {
            var expected = views.Where(v => v.Shop == shop)
                .SelectMany(v => v.View["compensations"]!.AsArray().Select(c => (
                    TicketId: (string)v.View["ticketId"]!, Kind: (string)c!["kind"]!, Amount: decimal.Parse((string)c["amount"]!, CultureInfo.InvariantCulture))))
                .OrderBy(e => e.TicketId, StringComparer.Ordinal).ThenBy(e => e.Kind, StringComparer.Ordinal).ToList();
            compensated += expected.Count;
            var ledger = JsonNode.Parse(await admin.GetStringAsync($"/api/shops/{shop}/ledger"))!;
            var entries = ledger["entries"]!.AsArray()
                .Select(e => (TicketId: (string)e!["ticketId"]!, Kind: (string)e["kind"]!, Amount: decimal.Parse((string)e["amount"]!, CultureInfo.InvariantCulture)))
                .OrderBy(e => e.TicketId, StringComparer.Ordinal).ThenBy(e => e.Kind, StringComparer.Ordinal).ToList();
            Assert.Equal(expected, entries);
            Assert.Equal(expected.Sum(e => e.Amount), decimal.Parse((string)ledger["total"]!, CultureInfo.InvariantCulture));
            Assert.Equal(expected.Sum(e => e.Amount), decimal.Parse((string)ledger["settled"]!, CultureInfo.InvariantCulture));
            foreach (var kind in ledger["byKind"]!.AsArray())
            {
                Assert.Equal(expected.Where(e => e.Kind == (string)kind!["key"]!).Sum(e => e.Amount),
                    decimal.Parse((string)kind!["amount"]!, CultureInfo.InvariantCulture));
            }
            Assert.Equal(expected.Sum(e => e.Amount), ledger["byMonth"]!.AsArray().Sum(m => decimal.Parse((string)m!["amount"]!, CultureInfo.InvariantCulture)));
            Assert.All(ledger["entries"]!.AsArray(), e => Assert.Equal("shop:" + shop, (string?)e!["debit"]));
        }
        Assert.True(compensated > 100, $"the random run should compensate plenty of tickets, got {compensated}");
    }

    private static async Task<(string, string)> RunAsync(TicketHost host, int path, string shop, string paid, string platformAmount, DateTimeOffset now)
    {
        var marketplace = path switch { 0 or 1 or 5 => "xiaohongshu", 2 or 6 => "taobao", 3 => "pinduoduo", _ => "tmall" };
        var orderId = Payloads.NewOrderId();
        var opened = await host.WebhookOkAsync(marketplace, Payloads.Urge(orderId, now, now.AddDays(-3), paid, shop));
        var ticketId = (string)opened["ticketId"]!;
        switch (path)
        {
            case 0: // XHS cannot ship: out-of-stock compensation
                await host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "缺货" }, SellerKeyFor(shop));
                break;
            case 1: // XHS cannot ship, then an upheld complaint: the top-up
                await host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "缺货" }, SellerKeyFor(shop));
                await host.WebhookOkAsync(marketplace, Payloads.Simple("complaint.resolved", orderId, now, b => b["upheld"] = true));
                break;
            case 2 or 3: // escalation, then upheld (Taobao: policy formula; PDD: the platform's amount)
                await host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "缺货" }, SellerKeyFor(shop));
                await host.WebhookOkAsync(marketplace, Payloads.Simple("complaint.resolved", orderId, now, b =>
                {
                    b["upheld"] = true;
                    if (path == 3)
                    {
                        b["compensationAmount"] = platformAmount;
                    }
                }));
                break;
            case 4: // shipped in time: no money
                await host.WebhookOkAsync(marketplace, Payloads.ShippedAll(orderId, now));
                break;
            case 5: // XHS silent seller: lapses later into late-shipment compensation
                break;
            default: // negotiated, rejected, complaint rejected: no money
                await host.ReplyAsync(ticketId, new { kind = "negotiate", plan = "换货", evidence = new[] { "img" } }, SellerKeyFor(shop));
                await host.WebhookOkAsync(marketplace, Payloads.Simple("buyer.plan_rejected", orderId, now));
                await host.WebhookOkAsync(marketplace, Payloads.Simple("complaint.resolved", orderId, now, b => b["upheld"] = false));
                break;
        }
        return (ticketId, shop);
    }

    private static string SellerKeyFor(string shop) => shop == TicketHost.OtherShop ? TicketHost.OtherSellerKey : TicketHost.AdminKey;

    [Fact]
    public async Task Standing_TwoCompensatedTicketsWithin30Days_Score2Then4()
    {
        await using var host = new TicketHost(azurite);
        foreach (var days in new[] { 0, 10 })
        {
            await host.AdvanceClockAsync(TimeSpan.FromDays(days));
            var now = host.Now;
            var opened = await host.WebhookOkAsync("xiaohongshu", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3), shopId: "shop-c"));
            await host.ReplyAsync((string)opened["ticketId"]!, new { kind = "cannot_ship", reason = "缺货" }, TicketHost.ShopCSellerKey);
            await host.SettledAsync((string)opened["ticketId"]!);
        }
        using var admin = host.As(TicketHost.AdminKey);
        var standing = JsonNode.Parse(await admin.GetStringAsync("/api/shops/shop-c/standing"))!;
        Assert.Equal(6, (int)standing["totalPoints"]!);
        Assert.Equal([2, 4], standing["entries"]!.AsArray().Select(e => (int)e!["points"]!));
        var second = (string)standing["entries"]![1]!["ticketId"]!;
        Assert.Equal(4, (int?)(await host.TicketAsync(second))!["violationPoints"]);
        using var seller = host.As(TicketHost.SellerKey);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await seller.GetAsync("/api/shops/shop-c/standing")).StatusCode);
    }

    [Fact]
    public async Task Retention_PurgesCompletedTicketsAfter180Days_AndTheLedgerKeepsItsEntries()
    {
        await using var host = new TicketHost(azurite);
        var now = host.Now;
        var done = (string)(await host.WebhookOkAsync("xiaohongshu", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3), shopId: "shop-c")))["ticketId"]!;
        await host.ReplyAsync(done, new { kind = "cannot_ship", reason = "缺货" }, TicketHost.ShopCSellerKey);
        await host.SettledAsync(done);
        var open = (string)(await host.WebhookOkAsync("taobao", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3), shopId: "shop-c")))["ticketId"]!;
        var retention = ActivatorUtilities.CreateInstance<TicketRetention>(host.Services);
        var client = host.Services.GetRequiredService<DurableTaskClient>();

        // 179 days on, the completed ticket has closed (its orchestration finished 30 days after completion) but is kept.
        await host.AdvanceClockAsync(TimeSpan.FromDays(179));
        await host.FinishedAsync(done);
        Assert.Equal(0, await retention.PurgeExpiredAsync(client, CancellationToken.None));
        Assert.NotNull(await host.TicketAsync(done));

        await host.AdvanceClockAsync(TimeSpan.FromDays(2));
        await host.WaitUntilAsync(open, t => (string?)t["state"] == "platform_intervention"); // not completed: kept
        Assert.True(await retention.PurgeExpiredAsync(client, CancellationToken.None) >= 1);
        Assert.Null(await client.GetInstanceAsync(done));
        Assert.Null(await host.TicketAsync(done));
        Assert.NotNull(await host.TicketAsync(open));
        using var admin = host.As(TicketHost.AdminKey);
        var ledger = JsonNode.Parse(await admin.GetStringAsync("/api/shops/shop-c/ledger"))!;
        Assert.Contains(ledger["entries"]!.AsArray(), e => (string?)e!["ticketId"] == done);
    }
}
