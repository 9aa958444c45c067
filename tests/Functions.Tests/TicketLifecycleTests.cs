using System.Text.Json.Nodes;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>
/// Every path of RULES.md through HTTP, on every shipped marketplace, with lapses driven by the fake clock through
/// the real timer queue. Amounts are those of the RULES.md table (paid 199.00 → auto 9.95, complaint 59.70).
/// </summary>
public sealed class TicketLifecycleTests(AzuriteServer azurite) : HostTests(azurite)
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);
    private static readonly TimeSpan PastGrace = TimeSpan.FromSeconds(121);

    private async Task<string> OpenAsync(string marketplace, string orderId, string paid = "199.00", DateTimeOffset? at = null)
    {
        var now = at ?? Now;
        var answer = await Host.WebhookOkAsync(marketplace, Payloads.Urge(orderId, now, now.AddDays(-3), paid));
        Assert.Equal("ticket_opened", (string?)answer["outcome"]);
        return (string)answer["ticketId"]!;
    }

    private static string State(JsonObject ticket) => (string)ticket["state"]!;

    private static string? Outcome(JsonObject ticket) => (string?)ticket["outcome"];

    private static JsonObject[] Compensations(JsonObject ticket) => [.. ticket["compensations"]!.AsArray().Select(c => c!.AsObject())];

    [Theory]
    [InlineData("xiaohongshu")]
    [InlineData("taobao")]
    [InlineData("tmall")]
    [InlineData("pinduoduo")]
    public async Task GivenOverdueOrder_WhenBuyerUrges_ThenTicketOpensAwaitingReplyWith24hDeadline(string marketplace)
    {
        var orderId = Payloads.NewOrderId();
        var opened = Now;
        var ticketId = await OpenAsync(marketplace, orderId, at: opened);

        var ticket = (await Host.TicketAsync(ticketId))!;
        Assert.Equal("awaiting_seller_reply", State(ticket));
        Assert.Equal(marketplace, (string?)ticket["marketplace"]);
        Assert.Equal(orderId, (string?)ticket["orderId"]);
        Assert.Equal(opened + Day, DateTimeOffset.Parse((string)ticket["deadlines"]!["reply"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("reply", (string?)ticket["activeDeadline"]!["kind"]);
        Assert.False(string.IsNullOrEmpty((string?)ticket["policyVersion"]));

        var byOrder = await Host.As(TicketHost.SellerKey).GetAsync($"/api/orders/{marketplace}/{orderId}/ticket");
        Assert.Equal(System.Net.HttpStatusCode.OK, byOrder.StatusCode);
    }

    [Theory]
    [InlineData("xiaohongshu")]
    [InlineData("taobao")]
    public async Task GivenOrderWithinPromisedTime_WhenBuyerUrges_ThenNoTicketAndUrgeRecorded(string marketplace)
    {
        var orderId = Payloads.NewOrderId();
        var answer = await Host.WebhookOkAsync(marketplace, Payloads.Urge(orderId, Now, Now.AddHours(-47)));
        Assert.Equal("no_ticket", (string?)answer["outcome"]);
        Assert.Equal("within_promised_time", (string?)answer["reason"]);
        var byOrder = await Host.As(TicketHost.AdminKey).GetAsync($"/api/orders/{marketplace}/{orderId}/ticket");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, byOrder.StatusCode);

        // Once past the promised time, an urge on the same order opens the ticket.
        await Host.AdvanceClockAsync(TimeSpan.FromHours(2));
        var again = await Host.WebhookOkAsync(marketplace, Payloads.Urge(orderId, Now, Now.AddHours(-49)));
        Assert.Equal("ticket_opened", (string?)again["outcome"]);
        var twice = await Host.WebhookOkAsync(marketplace, Payloads.Urge(orderId, Now, Now.AddHours(-49)));
        Assert.Equal("ticket_exists", (string?)twice["outcome"]);
    }

    [Theory]
    [InlineData("taobao", "excluded_category")]
    [InlineData("tmall", "presale")]
    [InlineData("pinduoduo", null)]
    public async Task GivenExclusions_WhenBuyerUrges_ThenPolicyDecides(string marketplace, string? reason)
    {
        var orderId = Payloads.NewOrderId();
        var answer = await Host.WebhookOkAsync(marketplace, Payloads.Urge(orderId, Now, Now.AddDays(-3), order: o =>
        {
            o["category"] = new JsonObject { ["custom"] = true, ["virtual"] = false };
            o["presale"] = "deposit";
        }));
        if (reason is null)
        {
            Assert.Equal("ticket_opened", (string?)answer["outcome"]); // PDD excludes neither
        }
        else
        {
            Assert.Equal("no_ticket", (string?)answer["outcome"]);
            Assert.Equal(marketplace == "tmall" ? "excluded_category" : reason, (string?)answer["reason"]);
        }
    }

    [Fact]
    public async Task GivenAlreadyShippedOrAfterSaleOrReportedDelay_WhenBuyerUrges_ThenNoTicketWithReason()
    {
        var shipped = await Host.WebhookOkAsync("xiaohongshu", Payloads.Urge(Payloads.NewOrderId(), Now, Now.AddDays(-3), order: o =>
            o["shippedItems"] = new JsonArray(new JsonObject { ["sku"] = "SKU-1", ["qty"] = 2 }, new JsonObject { ["sku"] = "SKU-2", ["qty"] = 1 })));
        Assert.Equal("already_shipped", (string?)shipped["reason"]);
        var afterSale = await Host.WebhookOkAsync("xiaohongshu", Payloads.Urge(Payloads.NewOrderId(), Now, Now.AddDays(-3), order: o => o["afterSaleOpen"] = true));
        Assert.Equal("after_sale_open", (string?)afterSale["reason"]);
        var reported = await Host.WebhookOkAsync("xiaohongshu", Payloads.Urge(Payloads.NewOrderId(), Now, Now.AddDays(-3),
            order: o => o["approvedDelayShipBy"] = Now.AddHours(5).ToString("O")));
        Assert.Equal("reported_delay_active", (string?)reported["reason"]);
        var exempt = await Host.WebhookOkAsync("taobao", Payloads.Urge(Payloads.NewOrderId(), Now, Now.AddDays(-3), order: o => o["exemptRegion"] = true));
        Assert.Equal("exempt_region", (string?)exempt["reason"]);
    }

    [Theory]
    [InlineData("xiaohongshu")]
    [InlineData("taobao")]
    public async Task GivenAwaitingReply_WhenPartialThenFullShipment_ThenCompletesShippedOnlyWhenAllShipped(string marketplace)
    {
        var orderId = Payloads.NewOrderId();
        var ticketId = await OpenAsync(marketplace, orderId);
        var partial = await Host.WebhookOkAsync(marketplace, Payloads.Shipped(orderId, Now, false, ("SKU-1", 2)));
        Assert.Equal("applied", (string?)partial["outcome"]);
        Assert.Equal("awaiting_seller_reply", State((await Host.TicketAsync(ticketId))!));

        await Host.WebhookOkAsync(marketplace, Payloads.Shipped(orderId, Now, false, ("SKU-2", 1)));
        var ticket = (await Host.TicketAsync(ticketId))!;
        Assert.Equal("completed", State(ticket));
        Assert.Equal("shipped", Outcome(ticket));
        Assert.Empty(Compensations(ticket));
    }

    [Fact]
    public async Task GivenXhsAwaitingReply_WhenReplyDeadlineLapses_ThenLateShipmentCompensationSettlesOnce()
    {
        var orderId = Payloads.NewOrderId();
        var ticketId = await OpenAsync("xiaohongshu", orderId);

        // Not before due + grace: ten seconds short (business time keeps running in real time), nothing happens.
        await Host.AdvanceClockAsync(Day + TimeSpan.FromSeconds(110));
        await Task.Delay(500); // the ticket has re-armed its timer (250 ms polling in tests) and not lapsed
        Assert.Equal("awaiting_seller_reply", State((await Host.TicketAsync(ticketId))!));

        var ticket = await Host.AdvanceUntilAsync(ticketId, TimeSpan.FromSeconds(12),
            t => State(t) == "completed" && Compensations(t).All(c => (string?)c["status"] == "settled"));
        Assert.Equal("late_shipment_compensated", Outcome(ticket));
        var compensation = Assert.Single(Compensations(ticket));
        Assert.Equal("late_shipment", (string?)compensation["kind"]);
        Assert.Equal("9.95", (string?)compensation["amount"]);
        Assert.Equal("CNY", (string?)compensation["currency"]);

        using var ledgerResponse = await Host.As(TicketHost.SellerKey).GetAsync($"/api/shops/{TicketHost.Shop}/ledger");
        var ledger = JsonNode.Parse(await ledgerResponse.Content.ReadAsStringAsync())!;
        var entries = ledger["entries"]!.AsArray().Where(e => (string?)e!["ticketId"] == ticketId).ToList();
        Assert.Single(entries);
        Assert.Equal("9.95", (string?)entries[0]!["amount"]);
    }

    [Theory]
    [InlineData("taobao")]
    [InlineData("tmall")]
    [InlineData("pinduoduo")]
    public async Task GivenEscalatingMarketplace_WhenReplyDeadlineLapses_ThenPlatformInterventionAndComplaintFiled(string marketplace)
    {
        var orderId = Payloads.NewOrderId();
        var ticketId = await OpenAsync(marketplace, orderId);
        var ticket = await Host.AdvanceUntilAsync(ticketId, Day + PastGrace, t => State(t) == "platform_intervention");
        Assert.Null(Outcome(ticket));
        Assert.Empty(Compensations(ticket));

        // The platform upholds the buyer's complaint: complaint compensation (30% of 199.00 = 59.70).
        await Host.WebhookOkAsync(marketplace, Payloads.Simple("complaint.resolved", orderId, Now, b => b["upheld"] = true));
        ticket = (await Host.TicketAsync(ticketId))!;
        Assert.Equal("completed", State(ticket));
        Assert.Equal("complaint_upheld", Outcome(ticket));
        Assert.Equal("59.70", (string?)Assert.Single(Compensations(ticket))["amount"]);
    }

    [Theory]
    [InlineData("taobao", false, null, "complaint_rejected", null)]
    [InlineData("pinduoduo", true, "42.50", "complaint_upheld", "42.50")]
    public async Task GivenPlatformIntervention_WhenComplaintResolved_ThenCompletesWithPlatformAmountOrNone(
        string marketplace, bool upheld, string? platformAmount, string outcome, string? paid)
    {
        var orderId = Payloads.NewOrderId();
        var ticketId = await OpenAsync(marketplace, orderId);
        var (status, _) = await Host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "缺货 out of stock" });
        Assert.Equal(200, status);
        Assert.Equal("platform_intervention", State((await Host.TicketAsync(ticketId))!));

        await Host.WebhookOkAsync(marketplace, Payloads.Simple("complaint.resolved", orderId, Now, b =>
        {
            b["upheld"] = upheld;
            if (platformAmount is not null)
            {
                b["compensationAmount"] = platformAmount;
            }
        }));
        var ticket = (await Host.TicketAsync(ticketId))!;
        Assert.Equal(outcome, Outcome(ticket));
        Assert.Equal(paid, (string?)Compensations(ticket).SingleOrDefault()?["amount"]);
    }

    [Fact]
    public async Task GivenXhs_WhenSellerRepliesCannotShip_ThenOutOfStockCompensationAndBuyerTold()
    {
        var orderId = Payloads.NewOrderId();
        var ticketId = await OpenAsync("xiaohongshu", orderId, paid: "59.90");
        var (status, view) = await Host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "厂家停产" });
        Assert.Equal(200, status);
        Assert.Equal("completed", State(view));
        Assert.Equal("out_of_stock_compensated", Outcome(view));
        Assert.Equal("5.00", (string?)Assert.Single(Compensations(view))["amount"]); // 2.995 → 3.00 → min 5
        Assert.Equal("cannot_ship", (string?)view["reply"]!["kind"]);

        // Buyer complains, platform upholds: XHS tops up to 30% (17.97) minus the 5.00 paid = 12.97.
        await Host.WebhookOkAsync("xiaohongshu", Payloads.Simple("complaint.filed", orderId, Now, b => b["reason"] = "out_of_stock"));
        await Host.WebhookOkAsync("xiaohongshu", Payloads.Simple("complaint.resolved", orderId, Now, b => b["upheld"] = true));
        var ticket = (await Host.TicketAsync(ticketId))!;
        var complaint = Compensations(ticket).Single(c => (string?)c["kind"] == "complaint");
        Assert.Equal("12.97", (string?)complaint["amount"]);
    }

    [Theory]
    [InlineData("xiaohongshu", "completed", "late_shipment_compensated")]
    [InlineData("tmall", "platform_intervention", null)]
    public async Task GivenDelayReply_WhenShipByLapses_ThenPolicyConsequence(string marketplace, string state, string? outcome)
    {
        var orderId = Payloads.NewOrderId();
        var ticketId = await OpenAsync(marketplace, orderId);
        var shipBy = Now.AddDays(2);
        var (status, view) = await Host.ReplyAsync(ticketId, new { kind = "delay", shipBy = shipBy.ToString("O") });
        Assert.Equal(200, status);
        Assert.Equal("awaiting_seller_execution", State(view));
        Assert.Equal("ship_by", (string?)view["activeDeadline"]!["kind"]);

        var ticket = await Host.AdvanceUntilAsync(ticketId, TimeSpan.FromDays(2) + PastGrace, t => State(t) == state);
        Assert.Equal(outcome, Outcome(ticket));
    }

    [Fact]
    public async Task GivenDelayReply_WhenAllShippedBeforeShipBy_ThenCompletedShipped()
    {
        var orderId = Payloads.NewOrderId();
        var ticketId = await OpenAsync("pinduoduo", orderId);
        await Host.ReplyAsync(ticketId, new { kind = "delay", shipBy = Now.AddDays(1).ToString("O") });
        await Host.AdvanceClockAsync(TimeSpan.FromHours(5));
        await Host.WebhookOkAsync("pinduoduo", Payloads.Shipped(orderId, Now, true, ("SKU-1", 1)));
        var ticket = (await Host.TicketAsync(ticketId))!;
        Assert.Equal("shipped", Outcome(ticket));
    }

    [Theory]
    [InlineData("xiaohongshu")]
    [InlineData("taobao")]
    public async Task GivenNegotiatedPlan_WhenBuyerSilent24h_ThenCompletesBuyerConfirmationTimedOut(string marketplace)
    {
        var orderId = Payloads.NewOrderId();
        var ticketId = await OpenAsync(marketplace, orderId);
        var (status, view) = await Host.ReplyAsync(ticketId, new { kind = "negotiate", plan = "换同款蓝色，今天发出", evidence = new[] { "chat://msg/1" } });
        Assert.Equal(200, status);
        Assert.Equal("awaiting_buyer_confirmation", State(view));
        var ticket = await Host.AdvanceUntilAsync(ticketId, Day + PastGrace, t => State(t) == "completed");
        Assert.Equal("buyer_confirmation_timed_out", Outcome(ticket));
    }

    [Theory]
    [InlineData("xiaohongshu", "buyer.plan_accepted", "completed", "buyer_accepted")]
    [InlineData("xiaohongshu", "buyer.plan_rejected", "completed", "out_of_stock_compensated")]
    [InlineData("taobao", "buyer.plan_rejected", "platform_intervention", null)]
    [InlineData("pinduoduo", "buyer.plan_accepted", "completed", "buyer_accepted")]
    public async Task GivenNegotiatedPlan_WhenBuyerAnswers_ThenPolicyConsequence(string marketplace, string answer, string state, string? outcome)
    {
        var orderId = Payloads.NewOrderId();
        var ticketId = await OpenAsync(marketplace, orderId);
        await Host.ReplyAsync(ticketId, new { kind = "negotiate", plan = "部分退款 20 元", evidence = new[] { "img://1" } });
        await Host.WebhookOkAsync(marketplace, Payloads.Simple(answer, orderId, Now));
        var ticket = (await Host.TicketAsync(ticketId))!;
        Assert.Equal(state, State(ticket));
        Assert.Equal(outcome, Outcome(ticket));
    }

    [Theory]
    [InlineData("xiaohongshu", "order.after_sale_opened", "completed")]
    [InlineData("taobao", "order.after_sale_opened", "awaiting_seller_reply")]
    [InlineData("taobao", "order.refunded", "completed")]
    [InlineData("pinduoduo", "order.refunded", "completed")]
    public async Task GivenAwaitingReply_WhenAfterSale_ThenCompletesPerMarketplaceRule(string marketplace, string type, string state)
    {
        var orderId = Payloads.NewOrderId();
        var ticketId = await OpenAsync(marketplace, orderId);
        await Host.WebhookOkAsync(marketplace, Payloads.Simple(type, orderId, Now, b =>
        {
            if (type == "order.after_sale_opened")
            {
                b["kind"] = "refund";
            }
        }));
        var ticket = (await Host.TicketAsync(ticketId))!;
        Assert.Equal(state, State(ticket));
        if (state == "completed")
        {
            Assert.Equal("after_sale", Outcome(ticket));
        }
    }

    [Fact]
    public async Task GivenReplyWindowClosed_WhenSellerReplies_Then409ReplyWindowClosedAndNothingChanges()
    {
        var orderId = Payloads.NewOrderId();
        var ticketId = await OpenAsync("taobao", orderId);
        await Host.AdvanceUntilAsync(ticketId, Day + PastGrace, t => State(t) == "platform_intervention");
        var before = await Host.SettledAsync(ticketId);
        var (status, problem) = await Host.ReplyAsync(ticketId, new { kind = "delay", shipBy = Now.AddDays(1).ToString("O") });
        Assert.Equal(409, status);
        Assert.Contains((string?)problem["code"], new[] { "reply_window_closed", "invalid_state" });
        Assert.Equal((long)before["version"]!, (long)(await Host.TicketAsync(ticketId))!["version"]!);
    }

    [Fact]
    public async Task GivenReplyAfterDeadlineButBeforeLapse_WhenSellerReplies_Then409ReplyWindowClosed()
    {
        var ticketId = await OpenAsync("xiaohongshu", Payloads.NewOrderId());
        await Host.AdvanceClockAsync(Day + TimeSpan.FromSeconds(1)); // past due, inside the grace: the window is closed all the same
        var (status, problem) = await Host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "none" });
        Assert.Equal(409, status);
        Assert.Equal("reply_window_closed", (string?)problem["code"]);
    }

    [Fact]
    public async Task GivenShipmentInTimeArrivingAfterLapse_WhenRecorded_ThenTicketFlaggedNeedsReview()
    {
        var orderId = Payloads.NewOrderId();
        var opened = Now;
        var ticketId = await OpenAsync("xiaohongshu", orderId, at: opened);
        await Host.AdvanceUntilAsync(ticketId, Day + PastGrace, t => State(t) == "completed");
        await Host.WebhookOkAsync("xiaohongshu", Payloads.ShippedAll(orderId, opened.AddHours(23)));
        var ticket = (await Host.TicketAsync(ticketId))!;
        Assert.True((bool?)ticket["needsReview"]);
        Assert.Equal("late_shipment_compensated", Outcome(ticket)); // the lapse stands; a human reviews
    }
}
