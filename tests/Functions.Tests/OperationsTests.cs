using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>Health, metrics, OpenAPI, durability across a restart, and the dev clock.</summary>
[Collection(HostCollection.Name)]
public sealed class OperationsTests(AzuriteServer azurite)
{
    [Fact]
    public async Task MetricsAndOpenApi_AreTheAdminsAndOperators_UnlessServedToAnyoneBySetting()
    {
        await using (var host = new TicketHost(azurite))
        {
            foreach (var path in new[] { "/metrics", "/openapi/v1.json" })
            {
                using var anonymous = host.CreateClient();
                using var refused = await anonymous.GetAsync(path);
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                using var seller = host.As(TicketHost.SellerKey);
                Assert.Equal(HttpStatusCode.Forbidden, (await seller.GetAsync(path)).StatusCode);
                using var person = host.As(TicketHost.OperatorKey);
                Assert.Equal(HttpStatusCode.OK, (await person.GetAsync(path)).StatusCode);
            }
            using var admin = host.As(TicketHost.AdminKey);
            await AssertPrometheusTextAsync(await admin.GetAsync("/metrics"));
        }
        await using var open = new TicketHost(azurite, new Dictionary<string, string?> { ["Operations:AnonymousMetrics"] = "true" });
        using var client = open.CreateClient();
        await AssertPrometheusTextAsync(await client.GetAsync("/metrics"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
    }

    /// <summary>A 200 scrape in the Prometheus text format (0.0.4, what a scraper gets without asking) with our series.</summary>
    private static async Task AssertPrometheusTextAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
            var text = await response.Content.ReadAsStringAsync();
            Assert.Contains("# TYPE urgeshipment_storage_requests_total counter", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Health_Metrics_OpenApi_Answer()
    {
        await using var host = new TicketHost(azurite);
        using var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        await host.WebhookOkAsync("taobao", Payloads.Urge(Payloads.NewOrderId(), host.Now, host.Now.AddDays(-3)));
        using var admin = host.As(TicketHost.AdminKey);
        var metrics = PrometheusSeries.Parse(await admin.GetStringAsync("/metrics"));
        // Every series is ours (no target_info, no other meter's), named urgeshipment_*.
        Assert.All(metrics, s => Assert.StartsWith("urgeshipment_", s.Name, StringComparison.Ordinal));
        // Every storage request is counted, by service and operation: the Durable Task Framework's (queues, blobs, its
        // tables) and ours (the webhook's ticket read is a table point read).
        var requests = metrics.Where(s => s.Name == "urgeshipment_storage_requests_total" && s.Labels.GetValueOrDefault("hub") == host.Hub).ToList();
        Assert.All(requests, s => Assert.True(s.Value > 0 && s.Labels.ContainsKey("operation"), s.ToString()));
        Assert.Contains(requests, s => s.Labels["service"] == "queue" && s.Labels["operation"] == "get");
        Assert.Contains(requests, s => s.Labels["service"] == "queue" && s.Labels["operation"] == "put");
        Assert.Contains(requests, s => s.Labels["service"] == "blob");
        Assert.Contains(requests, s => s.Labels["service"] == "table" && s.Labels["operation"] == "get");
        Assert.Equal(requests.Count, requests.Select(s => (s.Labels["service"], s.Labels["operation"])).Distinct().Count());
        // The counter as OpenTelemetry exports it is the in-process count of this host's requests.
        var counted = host.Services.GetRequiredService<StorageRequestCounter>().Snapshot();
        Assert.All(requests, s => Assert.True(counted[s.Labels["service"] + "." + s.Labels["operation"]] >= s.Value, s.ToString()));
        var openApi = JsonNode.Parse(await admin.GetStringAsync("/openapi/v1.json"))!;
        Assert.NotNull(openApi["paths"]!["/api/webhooks/{marketplace}"]);
        Assert.NotNull(openApi["paths"]!["/api/tickets/{ticketId}/reply"]);
    }

    [Fact]
    public async Task DeadlineLapse_IsASampleOfTheLatenessHistogram_InSecondsBuckets()
    {
        await using var host = new TicketHost(azurite);
        using var admin = host.As(TicketHost.AdminKey);
        var ticketId = (string)(await host.WebhookOkAsync("taobao", Payloads.Urge(Payloads.NewOrderId(), host.Now, host.Now.AddDays(-3))))["ticketId"]!;
        await host.SettledAsync(ticketId);
        var before = LapsedReplies(PrometheusSeries.Parse(await admin.GetStringAsync("/metrics")));

        // The reply deadline (24 h, 120 s grace) lapses: taobao escalates to the platform.
        await host.AdvanceUntilAsync(ticketId, TimeSpan.FromHours(24) + TimeSpan.FromSeconds(121), t => (string?)t["state"] == "platform_intervention");

        var metrics = PrometheusSeries.Parse(await admin.GetStringAsync("/metrics"));
        Assert.True(LapsedReplies(metrics) >= before + 1, $"lapsed reply deadlines: {before} before, {LapsedReplies(metrics)} after");
        var buckets = metrics.Where(s => s.Name == "urgeshipment_deadline_lapse_lateness_seconds_bucket" && s.Labels["deadline"] == "reply").ToList();
        Assert.Equal([.. Telemetry.LatenessBuckets.Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture)), "+Inf"], buckets.Select(b => b.Labels["le"]));
        Assert.Equal(LapsedReplies(metrics), buckets.Single(b => b.Labels["le"] == "+Inf").Value);
        Assert.Contains(metrics, s => s.Name == "urgeshipment_deadline_lapse_lateness_seconds_sum" && s.Labels["deadline"] == "reply" && s.Value >= 0);

        static double LapsedReplies(IReadOnlyList<PrometheusSeries> series) =>
            series.SingleOrDefault(s => s.Name == "urgeshipment_deadline_lapse_lateness_seconds_count" && s.Labels["deadline"] == "reply")?.Value ?? 0;
    }

    [Fact]
    public async Task AcknowledgedWebhook_SurvivesHostRestart()
    {
        string ticketId, hub;
        var orderId = Payloads.NewOrderId();
        await using (var first = new TicketHost(azurite))
        {
            var answer = await first.WebhookOkAsync("xiaohongshu", Payloads.Urge(orderId, first.Now, first.Now.AddDays(-3)));
            ticketId = (string)answer["ticketId"]!;
            hub = first.Hub;
        }
        await using var second = new TicketHost(azurite, hub: hub);
        var ticket = await second.TicketAsync(ticketId);
        Assert.NotNull(ticket);
        Assert.Equal("awaiting_seller_reply", (string?)ticket!["state"]);
    }

    [Fact]
    public async Task MarketplaceAddedByConfiguration_OpensTicketsUnderItsPolicy()
    {
        var file = Path.Combine(Path.GetTempPath(), "douyin-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(file, """
            { "marketplace": "douyin", "version": "DY-TEST-1", "effectiveFrom": "2026-01-01T00:00:00+08:00",
              "replyWindow": "PT12H", "buyerConfirmationWindow": "PT24H", "maxDelay": "P5D", "defaultShipWindow": "PT48H",
              "afterSaleCompletion": "refund_completed", "replyLapse": "escalate",
              "shipByLapse": "escalate", "planRejection": "escalate", "cannotShip": "compensate",
              "excludeCustomCategory": false, "excludeVirtualCategory": false, "excludePresale": false, "honourExemptRegion": false,
              "autoCompensation": { "rate": 0.1, "min": "2.00", "max": "50.00" },
              "complaintCompensation": { "rate": 0.2, "min": "3.00", "max": "80.00" },
              "complaintNetOfAutoCompensation": true, "complaintAppliesAfterCompletion": false, "fileComplaintOnEscalation": true }
            """);
        await using var host = new TicketHost(azurite, new Dictionary<string, string?>
        {
            ["Marketplaces:PolicyFiles:0"] = file,
            ["Webhooks:Secrets:douyin"] = "secret-douyin",
        });
        var now = host.Now;
        using var response = await host.WebhookAsync("douyin", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3), "100.00"), secret: "secret-douyin");
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ticket_opened", (string?)answer["outcome"]);
        var ticketId = (string)answer["ticketId"]!;
        var ticket = (await host.TicketAsync(ticketId))!;
        Assert.Equal("DY-TEST-1", (string?)ticket["policyVersion"]);
        Assert.Equal(now.AddHours(12), DateTimeOffset.Parse((string)ticket["deadlines"]!["reply"]!, System.Globalization.CultureInfo.InvariantCulture));
        var (status, view) = await host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "no stock" });
        Assert.Equal(200, status);
        Assert.Equal("10.00", (string?)view["compensations"]![0]!["amount"]);
        File.Delete(file);
    }

    [Fact]
    public async Task BadPolicyFile_StopsTheHostAtStart_NamingTheField()
    {
        var file = Path.Combine(Path.GetTempPath(), "bad-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(file, """{ "marketplace": "douyin", "version": "X", "effectiveFrom": "2026-01-01T00:00:00+08:00", "replyWindow": "soon" }""");
        await using var host = new TicketHost(azurite, new Dictionary<string, string?> { ["Marketplaces:PolicyFiles:0"] = file });
        var failure = Assert.ThrowsAny<Exception>(() => host.CreateClient());
        Assert.Contains("replyWindow", failure.ToString(), StringComparison.Ordinal);
        File.Delete(file);
    }

    [Theory]
    [InlineData("Http:CommandWait", "01:00:00", "CommandWait")]
    [InlineData("Orchestration:ActivityMaxAttempts", "0", "ActivityMaxAttempts")]
    [InlineData("Orchestration:TurnsPerGeneration", "-1", "TurnsPerGeneration")]
    [InlineData("Retention:CompletedTickets", "00:00:01", "CompletedTickets")]
    [InlineData("Watchdog:Margin", "-00:01:00", "Margin")]
    [InlineData("Clock:RefreshInterval", "00:00:00", "RefreshInterval")]
    [InlineData("Compensation:GatewayUrl", "ftp://finance.example/", "GatewayUrl")]
    [InlineData("RateLimits:PermitsPerMinute", "0", "PermitsPerMinute")]
    [InlineData("Operators:Accounts:0:ApiKeySha256", "not-hex", "Operators:Accounts")]
    public async Task ASettingOutOfItsRange_StopsTheHostAtStart_NamingIt(string key, string value, string named)
    {
        await using var host = new TicketHost(azurite, new Dictionary<string, string?> { [key] = value });
        var failure = Assert.ThrowsAny<Exception>(() => host.CreateClient());
        Assert.True(failure.ToString().Contains(named, StringComparison.Ordinal), failure.ToString());
    }

    [Fact]
    public async Task DevClock_IsNotFoundUnlessAllowed()
    {
        await using var host = new TicketHost(azurite, new Dictionary<string, string?> { ["Clock:AllowTravel"] = "false" });
        using var admin = host.As(TicketHost.AdminKey);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/dev/clock")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/api/dev/clock", new { advanceBy = "PT1H" })).StatusCode);
    }

    [Fact]
    public async Task DevClock_AdminAdvances_AndDueDeadlinesFireThroughTheTimerPath()
    {
        await using var host = new TicketHost(azurite);
        using var admin = host.As(TicketHost.AdminKey);
        using var seller = host.As(TicketHost.SellerKey);
        var now = JsonNode.Parse(await admin.GetStringAsync("/api/dev/clock"))!;
        var start = DateTimeOffset.Parse((string)now["now"]!, System.Globalization.CultureInfo.InvariantCulture);
        var answer = await host.WebhookOkAsync("taobao", Payloads.Urge(Payloads.NewOrderId(), start, start.AddDays(-3)), timestamp: start);
        var ticketId = (string)answer["ticketId"]!;

        Assert.Equal(HttpStatusCode.Forbidden, (await seller.PostAsJsonAsync("/api/dev/clock", new { advanceBy = "PT25H" })).StatusCode);
        using var bad = await admin.PostAsJsonAsync("/api/dev/clock", new { advanceBy = "-PT1H" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var moved = await admin.PostAsJsonAsync("/api/dev/clock", new { advanceBy = "PT25H" });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var after = DateTimeOffset.Parse((string)JsonNode.Parse(await moved.Content.ReadAsStringAsync())!["now"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(after - start >= TimeSpan.FromHours(25));

        var ticket = await host.WaitUntilAsync(ticketId, t => (string?)t["state"] == "platform_intervention");
        Assert.Contains(ticket["history"]!.AsArray(), h => (string?)h!["type"] == "deadline_lapsed");
    }
}
