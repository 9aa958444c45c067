using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using UrgeShipment.Functions.Tickets;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>
/// What the Durable Task Framework's Azure Storage backend does that a ticket must survive (DESIGN.md, "Facts measured
/// here"), each shown through the real engine: a duplicate start, an event raised before the start, timers that fire
/// early, timers longer than the queue's 7-day limit, the dev clock on real timers, ContinueAsNew, and closing.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class DurabilityTests(AzuriteServer azurite)
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    /// <summary>Test marketplaces (tests/Functions.Tests/Policies): fasttest has a 6-second reply window and no grace; longtest an 8-day one.</summary>
    private static Dictionary<string, string?> TestPolicies(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Marketplaces:PolicyFiles:0"] = Path.Combine(AppContext.BaseDirectory, "Policies", "fasttest.json"),
            ["Marketplaces:PolicyFiles:1"] = Path.Combine(AppContext.BaseDirectory, "Policies", "longtest.json"),
            ["Webhooks:Secrets:fasttest"] = "secret-fast",
            ["Webhooks:Secrets:longtest"] = "secret-long",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>As shipped: 1 s queue polling; no watchdog, so only the durable timer can lapse a deadline.</summary>
    private static readonly (string, string?)[] ShippedTimersOnly =
    [
        ("AzureFunctionsJobHost:extensions:durableTask:storageProvider:maxQueuePollingInterval", "00:00:01"),
        ("AzureWebJobs:DeadlineWatchdog:Disabled", "true"),
    ];

    private static async Task<JsonObject> WebhookAsync(TicketHost host, string marketplace, JsonObject body, string secret)
    {
        using var response = await host.WebhookAsync(marketplace, body, secret: secret);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"webhook answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static IEnumerable<JsonObject> History(JsonObject ticket, string type) =>
        ticket["history"]!.AsArray().Select(h => h!.AsObject()).Where(h => (string?)h["type"] == type);

    private static DateTimeOffset Instant(JsonNode? node) => DateTimeOffset.Parse((string)node!, CultureInfo.InvariantCulture);

    [Fact]
    public async Task DuplicateStart_TwoOpeningUrgesAtOnce_OpenOneTicket_AndTheOtherAnswersTicketExists()
    {
        await using var host = new TicketHost(azurite);
        var now = host.Now;
        var orders = Enumerable.Range(0, 5).Select(_ => Payloads.NewOrderId()).ToList();
        var answers = await Task.WhenAll(orders.SelectMany(order => new[]
        {
            host.WebhookOkAsync("xiaohongshu", Payloads.Urge(order, now, now.AddDays(-3))),
            host.WebhookOkAsync("xiaohongshu", Payloads.Urge(order, now, now.AddDays(-3))),
        }));
        foreach (var pair in answers.Chunk(2))
        {
            Assert.Equal(["ticket_exists", "ticket_opened"], pair.Select(a => (string)a["outcome"]!).Order(StringComparer.Ordinal));
            Assert.Equal((string?)pair[0]["ticketId"], (string?)pair[1]["ticketId"]);
            var ticket = await host.SettledAsync((string)pair[0]["ticketId"]!);
            Assert.Single(History(ticket, "ticket_opened"));
            Assert.Equal(2, History(ticket, "urge_recorded").Count());
        }
    }

    [Fact]
    public async Task EventBeforeStart_AShipmentRaisedWhileTheTicketIsStillStarting_IsNeverLost()
    {
        await using var host = new TicketHost(azurite);
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        var now = host.Now;
        var runs = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            var orderId = Payloads.NewOrderId();
            var ticketId = TicketIds.For("taobao", orderId);
            var opening = host.WebhookOkAsync("taobao", Payloads.Urge(orderId, now, now.AddDays(-3)));
            // As soon as the instance exists (still Pending, its first command not yet applied), the shipment arrives.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (await client.GetInstanceAsync(ticketId) is null)
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "the ticket's instance never appeared");
                await Task.Delay(5);
            }
            var shipped = await host.WebhookOkAsync("taobao", Payloads.ShippedAll(orderId, now));
            return (Opened: await opening, Shipped: shipped, TicketId: ticketId);
        }));
        foreach (var run in runs)
        {
            Assert.Equal("ticket_opened", (string?)run.Opened["outcome"]);
            Assert.Equal("applied", (string?)run.Shipped["outcome"]);
            var ticket = await host.WaitUntilAsync(run.TicketId, t => (string?)t["state"] == "completed");
            Assert.Equal("shipped", (string?)ticket["outcome"]);
        }
    }

    [Fact]
    public async Task EarlyTimers_RealTimersWithoutAnyClockJump_LapseEveryDeadline_NeverBeforeItsLapseTime()
    {
        await using var host = new TicketHost(azurite, TestPolicies(ShippedTimersOnly));
        var now = host.Now;
        var opened = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            WebhookAsync(host, "fasttest", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3)), "secret-fast")));
        foreach (var answer in opened)
        {
            // A timer that fires early is re-armed for the remainder; a lapse before its time would be refused and strand the ticket.
            var ticket = await host.WaitUntilAsync((string)answer["ticketId"]!, t => (string?)t["state"] == "completed", TimeSpan.FromSeconds(60));
            Assert.Equal("late_shipment_compensated", (string?)ticket["outcome"]);
            var lapsesAt = Instant(ticket["deadlines"]!["reply"]); // grace 0: the lapse time is the due time
            var lapsedAt = Instant(History(ticket, "deadline_lapsed").Single()["at"]);
            Assert.True(lapsedAt >= lapsesAt, $"lapsed {(lapsesAt - lapsedAt).TotalMilliseconds} ms early");
        }
    }

    /// <summary>The durable timers the backend holds for a ticket's current execution: its history's TimerCreated rows.</summary>
    private async Task<int> TimersCreatedAsync(TicketHost host, string ticketId)
    {
        var history = new Azure.Data.Tables.TableClient(azurite.ConnectionString, host.Hub + "History");
        var filter = Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {ticketId} and EventType eq {"TimerCreated"}");
        var count = 0;
        await foreach (var _ in history.QueryAsync<Azure.Data.Tables.TableEntity>(filter, select: ["RowKey"]))
        {
            count++;
        }
        return count;
    }

    [Fact]
    public async Task KeptTimer_AReplyLifecycle_ArmsOneDurableTimer_ForTheReplyDeadline_ShipByAndClosingAlike()
    {
        await using var host = new TicketHost(azurite);
        var orderId = Payloads.NewOrderId();
        var now = host.Now;
        var ticketId = (string)(await host.WebhookOkAsync("xiaohongshu", Payloads.Urge(orderId, now, now.AddDays(-3))))["ticketId"]!;
        var (status, _) = await host.ReplyAsync(ticketId, new { kind = "delay", shipBy = now.AddDays(2).ToString("O") });
        Assert.Equal(200, status);
        await host.WebhookOkAsync("xiaohongshu", Payloads.Shipped(orderId, now, true, ("SKU-1", 1)));
        var ticket = await host.SettledAsync(ticketId);
        await HubSnapshot.StableAsync(azurite, host.Hub);

        Assert.Equal("completed", (string?)ticket["state"]);
        // Each move was later than the armed timer (24 h reply deadline → 2-day ship-by → 30-day closing): the timer stays,
        // instead of three, two of which the backend would still fire, each as an episode that does nothing.
        Assert.Equal(1, await TimersCreatedAsync(host, ticketId));
    }

    [Fact]
    public async Task KeptTimer_ADeadlineMovedLater_KeepsTheArmedTimer_WhichFiresEarly_AndIsReArmed_SoTheLaterDeadlineLapsesNeverBeforeItsTime()
    {
        await using var host = new TicketHost(azurite, TestPolicies(ShippedTimersOnly));
        var now = host.Now;
        var ticketId = (string)(await WebhookAsync(host, "fasttest", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3)), "secret-fast"))["ticketId"]!;
        var shipBy = now.AddSeconds(14); // after the 6 s reply deadline, whose timer is armed and stays
        var (status, replied) = await host.ReplyAsync(ticketId, new { kind = "delay", shipBy = shipBy.ToString("O") });
        Assert.True(status == 200, replied.ToJsonString());

        var ticket = await host.WaitUntilAsync(ticketId, t => (string?)t["state"] == "completed", TimeSpan.FromSeconds(60));

        var lapsed = History(ticket, "deadline_lapsed").Single(); // the ship-by deadline; the replied-to one never lapses
        var lapsesAt = Instant(ticket["deadlines"]!["shipBy"]); // grace 0
        Assert.True(Instant(lapsed["at"]) >= lapsesAt, $"lapsed {(lapsesAt - Instant(lapsed["at"])).TotalMilliseconds} ms early");
        Assert.True(await TimersCreatedAsync(host, ticketId) >= 2, "the kept timer fired early and a timer was armed for the rest");
    }

    [Fact]
    public async Task LongTimer_AnEightDayDeadline_IsChunkedBelowTheQueueLimit_AndTheTicketKeepsTakingCommands()
    {
        await using var host = new TicketHost(azurite, TestPolicies());
        var now = host.Now;
        var orderId = Payloads.NewOrderId();
        var ticketId = (string)(await WebhookAsync(host, "longtest", Payloads.Urge(orderId, now, now.AddDays(-3)), "secret-long"))["ticketId"]!;
        Assert.Equal(now + TimeSpan.FromDays(8), Instant((await host.TicketAsync(ticketId))!["deadlines"]!["reply"]));

        // An unchunked 8-day timer is refused by the queue and the instance would retry that episode forever: nothing after it applies.
        var partial = await WebhookAsync(host, "longtest", Payloads.Shipped(orderId, host.Now, false, ("SKU-1", 1)), "secret-long");
        Assert.Equal("applied", (string?)partial["outcome"]);

        var ticket = await host.AdvanceUntilAsync(ticketId, TimeSpan.FromDays(8) + TimeSpan.FromSeconds(121), t => (string?)t["state"] == "completed");
        Assert.Equal("late_shipment_compensated", (string?)ticket["outcome"]);
    }

    [Fact]
    public async Task DevClock_ADeadlineThatFallsDueAfterAJump_LapsesFromItsTimerWithinTwoSecondsOfItsLapseTime_NeverBefore()
    {
        await using var host = new TicketHost(azurite, TestPolicies(ShippedTimersOnly));
        var now = host.Now;
        var ticketId = (string)(await host.WebhookOkAsync("xiaohongshu", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3))))["ticketId"]!;
        await host.SettledAsync(ticketId);

        // Jump to four seconds before the lapse (due + 120 s grace): the re-armed timer, not the watchdog, must lapse it.
        await host.AdvanceClockAsync(Day + TimeSpan.FromSeconds(116));
        var ticket = await host.WaitUntilAsync(ticketId, t => (string?)t["state"] == "completed", TimeSpan.FromSeconds(30));
        var lapsesAt = Instant(ticket["deadlines"]!["reply"]) + TimeSpan.FromSeconds(120);
        var lapsedAt = Instant(History(ticket, "deadline_lapsed").Single()["at"]);
        Assert.InRange(lapsedAt - lapsesAt, TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task DevClock_TheOffsetSurvivesARestart_AndIsSharedWithASecondHostOnTheSameStorage()
    {
        var hub = "c" + Guid.NewGuid().ToString("N")[..12];
        await using (var first = new TicketHost(azurite, hub: hub))
        {
            await first.AdvanceClockAsync(TimeSpan.FromDays(3));
            await using var second = new TicketHost(azurite, hub: hub);
            Assert.Equal("P3D", await OffsetAsync(second));
            await first.AdvanceClockAsync(TimeSpan.FromHours(1));
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (await OffsetAsync(second) != "P3DT1H")
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "the second host never took the new offset");
                await Task.Delay(200);
            }
        }
        await using var restarted = new TicketHost(azurite, hub: hub);
        Assert.Equal("P3DT1H", await OffsetAsync(restarted));

        static async Task<string> OffsetAsync(TicketHost host)
        {
            using var admin = host.As(TicketHost.AdminKey);
            return (string)JsonNode.Parse(await admin.GetStringAsync("/api/dev/clock"))!["offset"]!;
        }
    }

    [Fact]
    public async Task ContinueAsNew_ALongLivedTicket_StartsNewGenerations_KeepingItsStateAndEveryEventRaisedMeanwhile()
    {
        await using var host = new TicketHost(azurite, new Dictionary<string, string?> { ["Orchestration:TurnsPerGeneration"] = "3" });
        var now = host.Now;
        var orderId = Payloads.NewOrderId();
        var ticketId = (string)(await host.WebhookOkAsync("taobao", Payloads.Urge(orderId, now, now.AddDays(-3),
            order: o => o["items"] = new JsonArray(new JsonObject { ["sku"] = "SKU-1", ["qty"] = 50 }))))["ticketId"]!;
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => host.WebhookOkAsync("taobao", Payloads.Shipped(orderId, now, false, ("SKU-1", 1)))));
        Assert.All(answers, a => Assert.Equal("applied", (string?)a["outcome"]));

        var ticket = await host.SettledAsync(ticketId);
        Assert.Equal("awaiting_seller_reply", (string?)ticket["state"]);
        Assert.Equal(12, History(ticket, "shipment_recorded").Count());
        var versions = ticket["history"]!.AsArray().Select(h => (long)h!["version"]!).ToList();
        Assert.Equal(Enumerable.Range(1, versions.Count).Select(v => (long)v), versions);
        var instance = await host.Services.GetRequiredService<DurableTaskClient>().GetInstanceAsync(ticketId);
        Assert.True(instance!.ReadCustomStatusAs<TicketStatusView>()!.Generation >= 2, "the ticket never continued as new: " + instance.SerializedCustomStatus);

        var (status, view) = await host.ReplyAsync(ticketId, new { kind = "delay", shipBy = host.Now.AddDays(1).ToString("O") });
        Assert.Equal(200, status);
        Assert.Equal("awaiting_seller_execution", (string?)view["state"]);
    }

    [Fact]
    public async Task Closing_ACompletedTicketTakesEventsForThirtyDays_ThenItsOrchestrationFinishes_AndLaterEventsChangeNothing()
    {
        await using var host = new TicketHost(azurite);
        var now = host.Now;
        var orderId = Payloads.NewOrderId();
        var ticketId = (string)(await host.WebhookOkAsync("xiaohongshu", Payloads.Urge(orderId, now, now.AddDays(-3))))["ticketId"]!;
        await host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "缺货" });
        await host.SettledAsync(ticketId);

        // Ten days after completion an XHS complaint still applies (a top-up on a completed ticket).
        await host.AdvanceClockAsync(TimeSpan.FromDays(10));
        await host.WebhookOkAsync("xiaohongshu", Payloads.Simple("complaint.filed", orderId, host.Now, b => b["reason"] = "out_of_stock"));
        await host.WebhookOkAsync("xiaohongshu", Payloads.Simple("complaint.resolved", orderId, host.Now, b => b["upheld"] = true));
        var before = await host.SettledAsync(ticketId);
        Assert.Equal("49.75", (string?)before["compensations"]!.AsArray().Single(c => (string?)c!["kind"] == "complaint")!["amount"]);

        // Past thirty days the ticket closes: its orchestration finishes, its record stays readable.
        await host.AdvanceClockAsync(TimeSpan.FromDays(21));
        await host.FinishedAsync(ticketId);
        var late = await host.WebhookOkAsync("xiaohongshu", Payloads.Simple("complaint.resolved", orderId, host.Now, b => b["upheld"] = true));
        Assert.Equal("ignored", (string?)late["outcome"]);
        Assert.Equal("ticket_completed", (string?)late["reason"]);
        var urge = await host.WebhookOkAsync("xiaohongshu", Payloads.Urge(orderId, host.Now, now.AddDays(-3)));
        Assert.Equal("ticket_exists", (string?)urge["outcome"]);
        Assert.Equal((long)before["version"]!, (long)(await host.TicketAsync(ticketId))!["version"]!);
    }

    [Fact]
    public async Task LateRecord_ACopyOfAnOlderTransitionRunAfterNewerOnes_MovesNeitherTheTicketNorItsListingBack()
    {
        // A process that dies holding a RecordTicket work item leaves it in the queue; it reappears after its visibility
        // timeout, when the orchestration (replayed elsewhere) has written newer versions. Delivered here by hand, as then.
        await using var host = new TicketHost(azurite);
        var now = host.Now;
        var ticketId = (string)(await host.WebhookOkAsync("taobao", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3))))["ticketId"]!;
        var (status, _) = await host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "缺货" });
        Assert.Equal(200, status);
        var settled = await host.SettledAsync(ticketId);
        var table = host.Services.GetRequiredService<TicketTable>();
        var (stored, history) = (await table.ReadWithHistoryAsync(ticketId, CancellationToken.None))!.Value;
        var opening = history.Take(2).ToList();
        var stale = new TicketRecord(ticketId, 2, UrgeShipment.Domain.TicketDecider.Fold(opening.Select(e => e.Event)), opening, [], UpdateListing: true);
        Assert.Equal(UrgeShipment.Domain.TicketStatus.AwaitingSellerReply, stale.State.Status);

        var recording = ActivatorUtilities.CreateInstance<UrgeShipment.Functions.Activities.TicketRecording>(host.Services);
        await recording.RecordTicket(stale, CancellationToken.None);

        var after = (await host.TicketAsync(ticketId))!;
        Assert.Equal((long)settled["version"]!, (long)after["version"]!);
        Assert.Equal((string?)settled["state"], (string?)after["state"]);
        Assert.Equal(stored.Version, (await table.ReadAsync(ticketId, CancellationToken.None))!.Version);
        using var admin = host.As(TicketHost.AdminKey);
        var listed = JsonNode.Parse(await admin.GetStringAsync($"/api/tickets?shopId={TicketHost.Shop}&state={(string?)settled["state"]}&limit=200"))!;
        Assert.Contains(listed["items"]!.AsArray(), t => (string?)t!["ticketId"] == ticketId);

        // The same version again with a result it did not carry before (a refusal at an unchanged version) is still written.
        var refusal = new CommandResult("late-refusal", "1", false, "ticket_closed", null, stored.Version, null, null);
        await recording.RecordTicket(new TicketRecord(ticketId, stored.Version, stored.State, [], [refusal], UpdateListing: false), CancellationToken.None);
        Assert.Equal("ticket_closed", (await table.ReadResultAsync(ticketId, "late-refusal", CancellationToken.None))!.RejectionCode);
        Assert.Equal(stored.Version, (await table.ReadAsync(ticketId, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task Retention_NeverPurgesATicketThatStillOwesMoney()
    {
        await using var finance = await LocalHttpPeer.StartAsync();
        finance.FailNext(int.MaxValue);
        await using var host = new TicketHost(azurite, new Dictionary<string, string?> { ["Compensation:GatewayUrl"] = finance.Url.ToString() });
        var now = host.Now;
        var ticketId = (string)(await host.WebhookOkAsync("xiaohongshu", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3))))["ticketId"]!;
        await host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "缺货" });
        await host.WaitUntilAsync(ticketId, t => t["work"]!.AsArray().Any(w => (string?)w!["status"] == "failed"), TimeSpan.FromSeconds(60));

        await host.AdvanceClockAsync(TimeSpan.FromDays(200));
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        await ActivatorUtilities.CreateInstance<TicketRetention>(host.Services).PurgeExpiredAsync(client, CancellationToken.None);
        var ticket = (await host.TicketAsync(ticketId))!;
        Assert.Equal("pending", (string?)ticket["compensations"]![0]!["status"]); // still owed, still there
        Assert.False((await client.GetInstanceAsync(ticketId))!.IsCompleted);
    }

    [Fact]
    public async Task SynchronousReply_NotAppliedWithinTheWait_Is202WithTheTicketAsLocation_AndIsAppliedAfterwards()
    {
        await using var host = new TicketHost(azurite, new Dictionary<string, string?> { ["Http:CommandWait"] = "00:00:00.001" });
        var now = host.Now;
        using var opened = await host.WebhookAsync("pinduoduo", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3)));
        Assert.True(opened.IsSuccessStatusCode); // 200, or 202 "accepted" when even the opening outlasts a 1 ms wait
        var ticketId = (string)JsonNode.Parse(await opened.Content.ReadAsStringAsync())!["ticketId"]!;
        await host.WaitUntilAsync(ticketId, _ => true);

        using var seller = host.As(TicketHost.SellerKey);
        using var response = await seller.PostAsync($"/api/tickets/{ticketId}/reply",
            System.Net.Http.Json.JsonContent.Create(new { kind = "delay", shipBy = now.AddDays(2).ToString("O") }));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/tickets/{ticketId}", response.Headers.Location?.ToString());
        var ticket = await host.WaitUntilAsync(ticketId, t => (string?)t["state"] == "awaiting_seller_execution");
        Assert.Equal("delay", (string?)ticket["reply"]!["kind"]);
    }
}
