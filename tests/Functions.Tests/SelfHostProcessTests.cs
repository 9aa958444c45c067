using System.Text.Json.Nodes;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>
/// The self-host as real processes on one task hub: killed with SIGKILL in the middle of lifecycles and restarted, two
/// of them sharing the work, and a restart that keeps its worker id. Nothing may be lost or done twice.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class SelfHostProcessTests(AzuriteServer azurite)
{
    private static string NewHub(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    private static async Task<string> OpenAsync(IApp host, string marketplace, string orderId, string paid = "199.00")
    {
        var now = host.Now;
        var answer = await host.WebhookOkAsync(marketplace, Payloads.Urge(orderId, now, now.AddDays(-3), paid));
        Assert.Equal("ticket_opened", (string?)answer["outcome"]);
        return (string)answer["ticketId"]!;
    }

    private static bool FirstCompensationSettled(JsonObject ticket) =>
        ticket["compensations"]!.AsArray() is [{ } first, ..] && (string?)first["status"] == "settled";

    private static int Count(JsonObject ticket, string type) => ticket["history"]!.AsArray().Count(h => (string?)h!["type"] == type);

    [Fact]
    public async Task Sigkill_MidLifecycle_AndRestart_LosesNoTicketTimerOrCompensation_AndPaysNothingTwice()
    {
        await using var finance = await LocalHttpPeer.StartAsync();
        var hub = NewHub("k");
        var gateway = new Dictionary<string, string?> { ["Compensation:GatewayUrl"] = finance.Url.ToString() };
        var cannotShip = new List<string>();
        var silent = new List<string>();
        await using (var first = await HostProcess.StartAsync(azurite, hub, "worker-k", gateway))
        {
            for (var i = 0; i < 6; i++)
            {
                cannotShip.Add(await OpenAsync(first, "xiaohongshu", Payloads.NewOrderId(), "388.88"));
                silent.Add(await OpenAsync(first, "xiaohongshu", Payloads.NewOrderId()));
            }
            // Replies whose compensation, notices and ledger writes are in flight when the process dies.
            await Task.WhenAll(cannotShip.Select(t => first.ReplyAsync(t, new { kind = "cannot_ship", reason = "停产" })));
            await first.AdvanceClockAsync(TimeSpan.FromHours(25)); // the silent tickets' reply deadlines are now due
            await first.KillAsync();
        }

        // What the dead process had dequeued reappears after the queues' visibility timeout (host.json: one minute).
        await using var second = await HostProcess.StartAsync(azurite, hub, "worker-k", gateway);
        foreach (var ticketId in cannotShip)
        {
            var ticket = await second.WaitUntilAsync(ticketId, FirstCompensationSettled, TimeSpan.FromSeconds(120));
            Assert.Equal("out_of_stock_compensated", (string?)ticket["outcome"]);
            Assert.Equal(1, Count(ticket, "compensation_settled"));
        }
        foreach (var ticketId in silent)
        {
            // The timer survived the crash: the lapse happens once, the late-shipment compensation is paid once.
            var ticket = await second.WaitUntilAsync(ticketId, FirstCompensationSettled, TimeSpan.FromSeconds(120));
            Assert.Equal("late_shipment_compensated", (string?)ticket["outcome"]);
            Assert.Equal(1, Count(ticket, "deadline_lapsed"));
            Assert.Equal(1, Count(ticket, "compensation_settled"));
        }
        // Each compensation reached the finance gateway under one key and took effect once; the ledger holds each once.
        Assert.Equal(12, finance.Effects.Count);
        Assert.Equal(finance.Effects.Keys.Order(StringComparer.Ordinal), finance.Requests.Select(r => r.Key!).Distinct().Order(StringComparer.Ordinal));
        using var admin = second.As(TicketHost.AdminKey);
        var ledger = JsonNode.Parse(await admin.GetStringAsync($"/api/shops/{TicketHost.Shop}/ledger"))!;
        Assert.Equal(12, ledger["entries"]!.AsArray().Count);
        Assert.Equal((6 * 19.44m + 6 * 9.95m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), (string?)ledger["settled"]);
    }

    [Fact]
    public async Task TwoSelfHostsOnOneTaskHub_ShareTheWork_AndDecideEachTicketOnce()
    {
        var hub = NewHub("w");
        await using var a = await HostProcess.StartAsync(azurite, hub, "worker-a");
        await using var b = await HostProcess.StartAsync(azurite, hub, "worker-b");
        var orders = Enumerable.Range(0, 10).Select(_ => Payloads.NewOrderId()).ToList();
        // Each order's events arrive at both hosts: the urge twice (once each), the shipment through the other host.
        var opened = await Task.WhenAll(orders.Select(async (order, i) =>
        {
            var (first, second) = i % 2 == 0 ? ((IApp)a, (IApp)b) : (b, a);
            var now = first.Now;
            var answers = await Task.WhenAll(
                first.WebhookOkAsync("taobao", Payloads.Urge(order, now, now.AddDays(-3))),
                second.WebhookOkAsync("taobao", Payloads.Urge(order, now, now.AddDays(-3))));
            Assert.Equal(["ticket_exists", "ticket_opened"], answers.Select(x => (string)x["outcome"]!).Order(StringComparer.Ordinal));
            var ticketId = (string)answers[0]["ticketId"]!;
            if (i % 3 == 0)
            {
                var shipped = await second.WebhookOkAsync("taobao", Payloads.ShippedAll(order, now));
                Assert.Equal("applied", (string?)shipped["outcome"]);
            }
            else
            {
                var (status, _) = await second.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "缺货" });
                Assert.Equal(200, status);
            }
            return ticketId;
        }));
        foreach (var (ticketId, i) in opened.Select((t, i) => (t, i)))
        {
            var ticket = await (i % 2 == 0 ? b : a).SettledAsync(ticketId);
            Assert.Equal(i % 3 == 0 ? "completed" : "platform_intervention", (string?)ticket["state"]);
            Assert.Equal(1, Count(ticket, "ticket_opened"));
            Assert.Equal(2, Count(ticket, "urge_recorded"));
            var versions = ticket["history"]!.AsArray().Select(h => (long)h!["version"]!).ToList();
            Assert.Equal(Enumerable.Range(1, versions.Count).Select(v => (long)v), versions); // one history, no event twice
        }
    }

    [Fact]
    public async Task RestartWithTheSameWorkerId_TakesItsPartitionsBackAtOnce_AndTheNextReplyIsAppliedWithinTheWait()
    {
        var hub = NewHub("r");
        string ticketId;
        await using (var first = await HostProcess.StartAsync(azurite, hub, "worker-r"))
        {
            ticketId = await OpenAsync(first, "pinduoduo", Payloads.NewOrderId());
            await first.SettledAsync(ticketId);
            // Killed while idle: a result still in flight would be invisible for the queue's visibility timeout (a minute).
            await HubSnapshot.StableAsync(azurite, hub);
            await first.KillAsync(); // its partition leases are still held for ~30 s
        }
        // The same worker id takes its leases back at once; a new id would wait for them to expire (the reply would be 202).
        await using var second = await HostProcess.StartAsync(azurite, hub, "worker-r");
        var (status, view) = await second.ReplyAsync(ticketId, new { kind = "delay", shipBy = second.Now.AddDays(2).ToString("O") });
        Assert.Equal(200, status);
        Assert.Equal("awaiting_seller_execution", (string?)view["state"]);
    }
}
