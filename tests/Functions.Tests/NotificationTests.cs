using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using UrgeShipment.Functions.Activities;
using UrgeShipment.Functions.Tickets;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>Buyer chat cards, seller notices and reminders, through the outbox and the HTTP channel.</summary>
[Collection(HostCollection.Name)]
public sealed class NotificationTests(AzuriteServer azurite)
{
    private static async Task<JsonObject[]> NotificationsAsync(TicketHost host, string ticketId, Func<JsonObject[], bool> done)
    {
        using var client = host.As(TicketHost.SellerKey);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        JsonObject[] items = [];
        while (waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            var list = JsonNode.Parse(await client.GetStringAsync($"/api/tickets/{ticketId}/notifications"))!;
            items = [.. list["items"]!.AsArray().Select(i => i!.AsObject())];
            if (done(items))
            {
                return items;
            }
            await Task.Delay(100);
        }
        Assert.Fail("notifications never arrived: " + string.Join(" | ", items.Select(i => i.ToJsonString())));
        return items;
    }

    // Both ways of running a transition's effects: inside the activity recording it (the default), or one activity each.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DelayReply_SendsBuyerChatCardInZhAndEn_WithTheShipTimeToTheHour_AndSellerGotTicketOpened(bool effectsInTransition)
    {
        await using var host = new TicketHost(azurite, new Dictionary<string, string?> { ["Orchestration:EffectsInTransition"] = effectsInTransition ? "true" : "false" });
        var now = host.Now;
        var opened = await host.WebhookOkAsync("pinduoduo", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3)));
        var ticketId = (string)opened["ticketId"]!;
        var local = TimeZoneInfo.ConvertTime(now, ShopTime.Zone);
        var shipBy = new DateTimeOffset(local.Date.AddDays(2).AddHours(18), TimeSpan.FromHours(8)); // 18:00 Shanghai, the day after tomorrow
        await host.ReplyAsync(ticketId, new { kind = "delay", shipBy = shipBy.ToString("O") });

        var items = await NotificationsAsync(host, ticketId, i => i.Length >= 2);
        var opening = Assert.Single(items, i => (string?)i["template"] == "ticket_opened");
        Assert.Equal("seller", (string?)opening["audience"]);
        var card = Assert.Single(items, i => (string?)i["template"] == "seller_plan_delay");
        Assert.Equal("buyer", (string?)card["audience"]);
        var zh = (string)card["text"]!["zh-CN"]!;
        var en = (string)card["text"]!["en"]!;
        Assert.Contains(shipBy.ToString("M月d日 18:00", CultureInfo.InvariantCulture), zh, StringComparison.Ordinal);
        Assert.Contains("抱歉", zh, StringComparison.Ordinal);   // apologise
        Assert.Contains("退款", zh, StringComparison.Ordinal);   // offer a refund
        Assert.Contains(shipBy.ToString("'18:00 on' d MMM yyyy", CultureInfo.InvariantCulture), en, StringComparison.Ordinal);
        Assert.Contains("refund", en, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpChannel_ReceivesEachNoticeOnce_WithItsIdempotencyKey()
    {
        await using var chat = await LocalHttpPeer.StartAsync();
        chat.FailNext(1); // the first send fails and is retried
        await using var host = new TicketHost(azurite, new Dictionary<string, string?> { ["Notifications:ChannelUrl"] = chat.Url.ToString() });
        var now = host.Now;
        var opened = await host.WebhookOkAsync("xiaohongshu", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3), "59.90"));
        var ticketId = (string)opened["ticketId"]!;
        await host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "厂家停产" });
        await host.SettledAsync(ticketId);

        var templates = chat.Effects.Values.Select(b => (string?)b["template"]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["compensation_granted", "seller_cannot_ship", "ticket_opened"], templates);
        Assert.All(chat.Effects.Keys, k => Assert.StartsWith(ticketId + ":", k, StringComparison.Ordinal));
        var granted = chat.Effects.Values.Single(b => (string?)b["template"] == "compensation_granted");
        Assert.Contains("5.00", (string)granted["text"]!["zh-CN"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReminderBurstOf30Tickets_RespectsTheDailyCapOf10PerAccount()
    {
        await using var host = new TicketHost(azurite);
        var now = host.Now;
        var ticketIds = new List<string>();
        foreach (var _ in Enumerable.Range(0, 30))
        {
            var opened = await host.WebhookOkAsync("taobao", Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3)));
            ticketIds.Add((string)opened["ticketId"]!);
        }

        // 4 h before the reply deadline: thirty reminders fall due at once.
        await host.AdvanceClockAsync(TimeSpan.FromHours(20) + TimeSpan.FromMinutes(1));
        var reminded = await WaitForRemindersAsync(host, ticketIds, expected: 30);

        var sent = reminded.Count(r => (string?)r["status"] == "sent");
        var suppressed = reminded.Count(r => (string?)r["status"] == "suppressed_daily_cap");
        Assert.Equal(10, sent);
        Assert.Equal(20, suppressed);
        var cap = host.Services.GetRequiredService<SellerReminderCap>();
        Assert.Equal(10, await cap.CountAsync("ops-a", host.Now, CancellationToken.None));
        Assert.Equal(10, await cap.CountAsync("viewer-a", host.Now, CancellationToken.None));
    }

    private static async Task<List<JsonObject>> WaitForRemindersAsync(TicketHost host, IReadOnlyList<string> ticketIds, int expected)
    {
        using var client = host.As(TicketHost.AdminKey);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var reminders = new List<JsonObject>();
        while (waited.Elapsed < TimeSpan.FromSeconds(40))
        {
            reminders.Clear();
            foreach (var ticketId in ticketIds)
            {
                var list = JsonNode.Parse(await client.GetStringAsync($"/api/tickets/{ticketId}/notifications"))!;
                reminders.AddRange(list["items"]!.AsArray().Select(i => i!.AsObject()).Where(i => (string?)i["template"] == "seller_reminder"));
            }
            if (reminders.Count >= expected)
            {
                return reminders;
            }
            await Task.Delay(200);
        }
        Assert.Fail($"only {reminders.Count} of {expected} reminders were processed");
        return reminders;
    }
}
