using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>Operator commands: admin only, audited (who and why) in the ticket history.</summary>
public sealed class OperatorTests(AzuriteServer azurite) : HostTests(azurite)
{

    private async Task<string> OpenAsync(string marketplace = "taobao")
    {
        var opened = await Host.WebhookOkAsync(marketplace, Payloads.Urge(Payloads.NewOrderId(), Now, Now.AddDays(-3)));
        return (string)opened["ticketId"]!;
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> OperateAsync(string ticketId, string action, object body, string? key = TicketHost.OperatorKey)
    {
        using var client = Host.As(key);
        using var response = await client.PostAsJsonAsync($"/api/tickets/{ticketId}/operator/{action}", body);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    public static TheoryData<string, object> Commands => new()
    {
        { "extend-deadline", new { by = "PT4H", why = "seller system outage" } },
        { "pause", new { why = "platform outage" } },
        { "resume", new { why = "platform back" } },
        { "resolve-review", new { why = "checked", cancelPendingCompensation = false } },
        { "retry-work", new { key = "late_shipment", why = "gateway back" } },
        { "force-complete", new { why = "duplicate order" } },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task EveryOperatorCommand_IsRefusedWithoutAPersonalOperatorKey_AndChangesNothing(string action, object body)
    {
        var ticketId = await OpenAsync();
        var before = await Host.SettledAsync(ticketId);
        Assert.Equal(HttpStatusCode.Unauthorized, (await OperateAsync(ticketId, action, body, key: null)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await OperateAsync(ticketId, action, body, key: TicketHost.SellerKey)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await OperateAsync(ticketId, action, body, key: TicketHost.AdminKey)).Status); // no person to audit
        Assert.Equal((long)before["version"]!, (long)(await Host.TicketAsync(ticketId))!["version"]!);
    }

    [Fact]
    public async Task ExtendDeadline_MovesTheActiveDeadline_AndLeavesAnAuditEntry()
    {
        var ticketId = await OpenAsync();
        var before = (await Host.TicketAsync(ticketId))!;
        // The body cannot name someone else: the history records the key's person.
        var (status, view) = await OperateAsync(ticketId, "extend-deadline", new { by = "PT6H", why = "卖家系统故障", @operator = "zhang.san" });
        Assert.Equal(HttpStatusCode.OK, status);
        var due = DateTimeOffset.Parse((string)view["activeDeadline"]!["dueAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.Parse((string)before["activeDeadline"]!["dueAt"]!, System.Globalization.CultureInfo.InvariantCulture).AddHours(6), due);
        var audit = Assert.Single(view["history"]!.AsArray(), h => (string?)h!["type"] == "deadline_extended")!;
        Assert.Equal("卖家系统故障", (string?)audit["why"]);
        Assert.Equal(TicketHost.OperatorName, (string?)audit["operator"]);

        // The old deadline passes without a lapse; the new one lapses.
        await Host.AdvanceClockAsync(TimeSpan.FromHours(25));
        await Task.Delay(800);
        Assert.Equal("awaiting_seller_reply", (string?)(await Host.TicketAsync(ticketId))!["state"]);
        await Host.AdvanceUntilAsync(ticketId, TimeSpan.FromHours(6), t => (string?)t["state"] == "platform_intervention");
    }

    [Fact]
    public async Task PausedClock_DoesNotLapse_AndResumeShiftsTheDeadline()
    {
        var ticketId = await OpenAsync();
        Assert.Equal(HttpStatusCode.OK, (await OperateAsync(ticketId, "pause", new { why = "platform outage" })).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await OperateAsync(ticketId, "pause", new { why = "again" })).Status);
        await Host.AdvanceClockAsync(TimeSpan.FromHours(30));
        await Task.Delay(800);
        Assert.Equal("awaiting_seller_reply", (string?)(await Host.TicketAsync(ticketId))!["state"]);

        var paused = (await Host.TicketAsync(ticketId))!;
        Assert.NotNull((string?)paused["pausedAt"]);
        using (var admin = Host.As(TicketHost.AdminKey))
        {
            var listed = JsonNode.Parse(await admin.GetStringAsync("/api/tickets?marketplace=taobao&state=awaiting_seller_reply&limit=200"))!;
            Assert.Contains(listed["items"]!.AsArray(), i => (string?)i!["ticketId"] == ticketId && i["pausedAt"] is not null);
        }

        var (status, view) = await OperateAsync(ticketId, "resume", new { why = "platform back" });
        Assert.Equal(HttpStatusCode.OK, status);
        var due = DateTimeOffset.Parse((string)view["activeDeadline"]!["dueAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(due > Now, "the paused time is added back");
        Assert.Contains(view["history"]!.AsArray(), h => (string?)h!["type"] == "clock_resumed" && (string?)h["why"] == "platform back");
    }

    [Fact]
    public async Task ForceComplete_CompletesWithReason_AndRefusesTwice()
    {
        var ticketId = await OpenAsync();
        var (status, view) = await OperateAsync(ticketId, "force-complete", new { why = "order cancelled by platform" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("completed", (string?)view["state"]);
        Assert.Equal("force_completed", (string?)view["outcome"]);
        Assert.Equal(HttpStatusCode.Conflict, (await OperateAsync(ticketId, "force-complete", new { why = "again" })).Status);
    }

    [Fact]
    public async Task ResolveReview_CancelsPendingCompensation_WhenAsked()
    {
        // An in-time shipment proven after the XHS lapse flags the ticket; the settlement is still in flight or done.
        var orderId = Payloads.NewOrderId();
        var opened = Now;
        var ticketId = (string)(await Host.WebhookOkAsync("xiaohongshu", Payloads.Urge(orderId, Now, Now.AddDays(-3))))["ticketId"]!;
        await Host.AdvanceUntilAsync(ticketId, TimeSpan.FromHours(24) + TimeSpan.FromSeconds(121), t => (string?)t["state"] == "completed");
        await Host.WebhookOkAsync("xiaohongshu", Payloads.ShippedAll(orderId, opened.AddHours(20)));
        Assert.True((bool?)(await Host.TicketAsync(ticketId))!["needsReview"]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await OperateAsync(ticketId, "resolve-review", new { cancelPendingCompensation = true })).Status);
        var (status, view) = await OperateAsync(ticketId, "resolve-review", new { why = "shipment was in time", cancelPendingCompensation = true });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False((bool?)view["needsReview"]);
        Assert.Contains(view["history"]!.AsArray(), h => (string?)h!["type"] == "review_resolved" && (string?)h["why"] == "shipment was in time");
        Assert.Equal(HttpStatusCode.Conflict, (await OperateAsync(ticketId, "resolve-review", new { why = "again" })).Status);
    }

    [Fact]
    public async Task UnknownCommandOrTicket_Is404_AndMissingWhyIs422()
    {
        var ticketId = await OpenAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await OperateAsync(ticketId, "explode", new { why = "x" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await OperateAsync("tnosuchticketxxxxxxxxxxxxx", "pause", new { why = "x" })).Status);
        var (status, problem) = await OperateAsync(ticketId, "extend-deadline", new { by = "four hours" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.True(problem["errors"]!.AsObject().ContainsKey("why"));
        Assert.True(problem["errors"]!.AsObject().ContainsKey("by"));
    }
}
