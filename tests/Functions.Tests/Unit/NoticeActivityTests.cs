using Moq;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Activities;
using UrgeShipment.Functions.Tickets;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests.Unit;

/// <summary>The <c>DeliverNotice</c> and <c>FileComplaint</c> activities on a real outbox, with the notification channel mocked.</summary>
[Collection(HostCollection.Name)]
public sealed class NoticeActivityTests(AzuriteServer azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = FunctionHarness.Now;

    private FunctionHarness _harness = null!;
    private readonly Mock<INotificationChannel> _channel = new();
    private readonly List<OutgoingNotification> _sent = [];

    public async Task InitializeAsync()
    {
        _harness = await FunctionHarness.StartAsync(azurite);
        _channel.SetupGet(c => c.Name).Returns("chat");
        _channel.Setup(c => c.SendAsync(It.IsAny<OutgoingNotification>(), It.IsAny<CancellationToken>()))
            .Callback((OutgoingNotification n, CancellationToken _) => _sent.Add(n))
            .Returns(Task.CompletedTask);
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private NoticeDelivery Delivery() => _harness.Create<NoticeDelivery>(_channel.Object);

    private static NoticeOrder Notice(string orderId, string template, string key, string audience, params (string Name, string Value)[] parameters)
    {
        var ticketId = TicketIds.For(FunctionHarness.Marketplace, orderId);
        return new NoticeOrder(WorkOrders.IdempotencyKey(ticketId, key), ticketId, FunctionHarness.Marketplace, TicketHost.Shop, orderId, "buyer-1",
            audience, template, parameters.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal));
    }

    private static NoticeOrder Reminder(string orderId) =>
        Notice(orderId, NoticeTemplates.SellerReminder, "reminder:reply:2h", "seller",
            ("orderId", orderId), ("deadline", "reply"), ("dueAt", "2026-03-10T08:00:00.0000000+00:00"), ("lead", "PT2H"));

    [Fact]
    public async Task GivenATicketOpenedNotice_WhenDelivered_ThenRendersZhCnAndEn_SendsItThroughTheChannel_AndRecordsItInTheOutbox()
    {
        var orderId = Payloads.NewOrderId();
        var order = Notice(orderId, NoticeTemplates.TicketOpened, NoticeTemplates.TicketOpenedKey, "seller",
            ("orderId", orderId), ("replyBy", "2026-03-11T02:00:00.0000000+00:00"));

        Assert.Equal("sent", await Delivery().DeliverNotice(order, CancellationToken.None));

        var sent = Assert.Single(_sent);
        Assert.Equal(order.IdempotencyKey, sent.IdempotencyKey);
        Assert.Equal("seller", sent.Audience);
        Assert.Equal($"【催发货】买家催促订单 {orderId} 发货，请在 3月11日 10:00 前处理：发货、回复延迟发货时间、与买家协商或说明无法发货。", sent.Text["zh-CN"]);
        Assert.Equal($"[Urge to ship] The buyer of order {orderId} is asking for shipment. Please act before 10:00 on 11 Mar 2026 (UTC+8): " +
            "ship, give a new ship time, propose a plan, or explain why you cannot ship.", sent.Text["en"]);
        var outbox = await _harness.Get<Outbox>().ReadAsync(order.TicketId, CancellationToken.None);
        var recorded = Assert.Single(outbox.Items);
        Assert.Equal(order.IdempotencyKey, recorded.Key);
        Assert.Equal("chat", recorded.Channel);
        Assert.Equal("sent", recorded.Status);
        Assert.Equal(NoticeTemplates.TicketOpened, recorded.Template);
        Assert.Equal(sent.Text, recorded.Text);
        Assert.Equal(order.Parameters, recorded.Parameters);
        Assert.Equal(Now, recorded.SentAt);
    }

    [Fact]
    public async Task GivenACompensationNotice_WhenDelivered_ThenTheBuyerIsToldTheAmountInBothLanguages()
    {
        var orderId = Payloads.NewOrderId();
        var order = Notice(orderId, NoticeTemplates.CompensationGranted, NoticeTemplates.CompensationKey(CompensationKind.LateShipment), "buyer",
            ("orderId", orderId), ("kind", "late_shipment"), ("amount", "9.95"), ("currency", "CNY"));

        await Delivery().DeliverNotice(order, CancellationToken.None);

        var sent = Assert.Single(_sent);
        Assert.Equal($"亲，非常抱歉订单 {orderId} 给您带来的不便，平台已为您发放延迟发货赔付 9.95 元。再次向您致歉！", sent.Text["zh-CN"]);
        Assert.Contains("You have been granted 9.95 CNY", sent.Text["en"], StringComparison.Ordinal);
        Assert.Equal("buyer", Assert.Single((await _harness.Get<Outbox>().ReadAsync(order.TicketId, CancellationToken.None)).Items).Audience);
    }

    [Fact]
    public async Task GivenANoticeDeliveredTwice_WhenReadBack_ThenTheOutboxListsItOnce_AndTheChannelGotTheSameKeyBothTimes()
    {
        var orderId = Payloads.NewOrderId();
        var order = Notice(orderId, NoticeTemplates.TicketOpened, NoticeTemplates.TicketOpenedKey, "seller", ("orderId", orderId), ("replyBy", "2026-03-11T02:00:00Z"));

        await Delivery().DeliverNotice(order, CancellationToken.None);
        await Delivery().DeliverNotice(order, CancellationToken.None);

        Assert.Single((await _harness.Get<Outbox>().ReadAsync(order.TicketId, CancellationToken.None)).Items);
        Assert.Equal(2, _sent.Count);
        Assert.All(_sent, n => Assert.Equal(order.IdempotencyKey, n.IdempotencyKey));
    }

    [Fact]
    public async Task GivenTheChannelFails_WhenDelivering_ThenTheActivityThrows_AndTheOutboxHoldsNothing()
    {
        var orderId = Payloads.NewOrderId();
        var order = Notice(orderId, NoticeTemplates.TicketOpened, NoticeTemplates.TicketOpenedKey, "seller", ("orderId", orderId), ("replyBy", "2026-03-11T02:00:00Z"));
        var failing = new Mock<INotificationChannel>();
        failing.SetupGet(c => c.Name).Returns("chat");
        failing.Setup(c => c.SendAsync(It.IsAny<OutgoingNotification>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("Notification channel answered 500."));

        await Assert.ThrowsAsync<HttpRequestException>(() => _harness.Create<NoticeDelivery>(failing.Object).DeliverNotice(order, CancellationToken.None));

        Assert.Empty((await _harness.Get<Outbox>().ReadAsync(order.TicketId, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task GivenTenSellerRemindersToday_WhenAnEleventhIsDelivered_ThenItIsRecordedSuppressedDailyCap_AndNotSent()
    {
        var reminders = Enumerable.Range(0, 11).Select(_ => Reminder(Payloads.NewOrderId())).ToList();
        List<string> outcomes = [];
        foreach (var reminder in reminders)
        {
            outcomes.Add(await Delivery().DeliverNotice(reminder, CancellationToken.None));
        }

        Assert.Equal([.. Enumerable.Repeat("sent", 10), "suppressed_daily_cap"], outcomes);
        Assert.Equal(reminders.Take(10).Select(r => r.IdempotencyKey), _sent.Select(n => n.IdempotencyKey));
        var eleventh = reminders[10];
        _channel.Verify(c => c.SendAsync(It.Is<OutgoingNotification>(n => n.IdempotencyKey == eleventh.IdempotencyKey), It.IsAny<CancellationToken>()), Times.Never);
        var recorded = Assert.Single((await _harness.Get<Outbox>().ReadAsync(eleventh.TicketId, CancellationToken.None)).Items);
        Assert.Equal("suppressed_daily_cap", recorded.Status);
        Assert.Equal(10, await _harness.Get<SellerReminderCap>().CountAsync("ops-a", Now, CancellationToken.None));
    }

    [Fact]
    public async Task GivenTheDailyCapIsReached_WhenAReminderAlreadyCountedIsRedelivered_ThenItIsStillSent_AndTakesNoSecondPlace()
    {
        var reminders = Enumerable.Range(0, 10).Select(_ => Reminder(Payloads.NewOrderId())).ToList();
        foreach (var reminder in reminders)
        {
            await Delivery().DeliverNotice(reminder, CancellationToken.None);
        }

        Assert.Equal("sent", await Delivery().DeliverNotice(reminders[3], CancellationToken.None));

        Assert.Equal(11, _sent.Count);
        Assert.Equal(10, await _harness.Get<SellerReminderCap>().CountAsync("ops-a", Now, CancellationToken.None));
        Assert.Equal("sent", Assert.Single((await _harness.Get<Outbox>().ReadAsync(reminders[3].TicketId, CancellationToken.None)).Items).Status);
    }

    [Fact]
    public async Task GivenAComplaintToFile_WhenFiled_ThenThePlatformIsToldThroughTheChannel_AndTheOutboxRecordsTheFiling()
    {
        var orderId = Payloads.NewOrderId();
        var ticketId = TicketIds.For("taobao", orderId);
        var order = new ComplaintFilingOrder(WorkOrders.IdempotencyKey(ticketId, TicketState.ComplaintFilingKey), ticketId, "taobao", TicketHost.Shop, orderId, "buyer-1");

        Assert.Equal("filed", await _harness.Create<ComplaintFiling>(_channel.Object).FileComplaint(order, CancellationToken.None));

        var sent = Assert.Single(_sent);
        Assert.Equal("platform", sent.Audience);
        Assert.Equal(order.IdempotencyKey, sent.IdempotencyKey);
        Assert.Contains(orderId, sent.Text["zh-CN"], StringComparison.Ordinal);
        Assert.Contains($"a complaint about order {orderId} was filed", sent.Text["en"], StringComparison.Ordinal);
        var recorded = Assert.Single((await _harness.Get<Outbox>().ReadAsync(ticketId, CancellationToken.None)).Items);
        Assert.Equal("complaint_filed", recorded.Template);
        Assert.Equal("sent", recorded.Status);
    }
}
