using Moq;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Activities;
using UrgeShipment.Functions.Projections;
using UrgeShipment.Functions.Tickets;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests.Unit;

/// <summary>The <c>SettleCompensation</c> activity on a real ledger table, with the payment gateway mocked.</summary>
[Collection(HostCollection.Name)]
public sealed class SettleCompensationTests(AzuriteServer azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = FunctionHarness.Now;

    private FunctionHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await FunctionHarness.StartAsync(azurite);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static CompensationOrder AnOrder(string shopId, string orderId)
    {
        var ticketId = TicketIds.For(FunctionHarness.Marketplace, orderId);
        return new CompensationOrder(WorkOrders.IdempotencyKey(ticketId, "late_shipment"), ticketId, FunctionHarness.Marketplace, shopId, orderId,
            "buyer-1", "late_shipment", "9.95", "CNY", Now.AddHours(-1));
    }

    private Task<LedgerView> LedgerAsync(string shopId) => _harness.Get<ShopLedger>().ReadAsync(shopId, CancellationToken.None);

    [Fact]
    public async Task GivenTheSameCompensationOrderTwice_WhenSettled_ThenOneSettledLedgerEntry_AndTheGatewayGetsTheSameIdempotencyKeyEachTime()
    {
        var shop = AzuriteServer.UniqueName("shop");
        var order = AnOrder(shop, Payloads.NewOrderId());
        var gateway = new Mock<ICompensationGateway>();
        List<string> keys = [];
        gateway.Setup(g => g.SettleAsync(It.IsAny<CompensationOrder>(), It.IsAny<CancellationToken>()))
            .Callback((CompensationOrder o, CancellationToken _) => keys.Add(o.IdempotencyKey))
            .Returns(Task.CompletedTask);
        var activity = _harness.Create<CompensationSettlement>(gateway.Object);

        Assert.Equal("gateway", await activity.SettleCompensation(order, CancellationToken.None));
        Assert.Equal("gateway", await activity.SettleCompensation(order, CancellationToken.None)); // a redelivery

        var ledger = await LedgerAsync(shop);
        var entry = Assert.Single(ledger.Entries);
        Assert.Equal("settled", entry.Status);
        Assert.Equal(order.IdempotencyKey, entry.IdempotencyKey);
        Assert.Equal("9.95", entry.Amount);
        Assert.Equal(Now, entry.SettledAt);
        Assert.Equal("shop:" + shop, entry.Debit);
        Assert.Equal("buyer:buyer-1", entry.Credit);
        Assert.Equal("9.95", ledger.Settled);
        Assert.Equal("0.00", ledger.Pending);
        Assert.Equal([order.IdempotencyKey, order.IdempotencyKey], keys);
        gateway.Verify(g => g.SettleAsync(order, It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task GivenTheGatewayFails_WhenSettling_ThenTheActivityThrows_AndTheLedgerHoldsNothing()
    {
        var shop = AzuriteServer.UniqueName("shop");
        var order = AnOrder(shop, Payloads.NewOrderId());
        var gateway = new Mock<ICompensationGateway>();
        gateway.Setup(g => g.SettleAsync(It.IsAny<CompensationOrder>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("Compensation gateway answered 503."));
        var activity = _harness.Create<CompensationSettlement>(gateway.Object);

        await Assert.ThrowsAsync<HttpRequestException>(() => activity.SettleCompensation(order, CancellationToken.None));

        Assert.Empty((await LedgerAsync(shop)).Entries);
    }

    [Fact]
    public async Task GivenNoGateway_WhenSettling_ThenTheLedgerAloneRecordsTheSettlement()
    {
        var shop = AzuriteServer.UniqueName("shop");
        var order = AnOrder(shop, Payloads.NewOrderId());
        var activity = _harness.Create<CompensationSettlement>();

        Assert.Equal("ledger", await activity.SettleCompensation(order, CancellationToken.None));

        Assert.Equal("settled", Assert.Single((await LedgerAsync(shop)).Entries).Status);
    }

    [Fact]
    public async Task GivenACompensationTheTicketRecordedAsPending_WhenSettled_ThenItsOneLedgerRowTurnsSettled_AndARecordAfterwardsLeavesItSettled()
    {
        // A reply deadline lapses on XHS: late-shipment compensation, recorded (ledger row pending) by RecordTicket.
        var orderId = Payloads.NewOrderId();
        var ticketId = TicketIds.For(FunctionHarness.Marketplace, orderId);
        var policy = MarketplacePolicies.Xhs2024;
        var (opened, openEvents) = FunctionHarness.Play(TicketState.Initial, 0, "webhook:1",
            new Domain.UrgeShipment(FunctionHarness.AnOrder(orderId), policy, Now, Now));
        var due = opened.ActiveDeadline!;
        var (lapsed, lapseEvents) = FunctionHarness.Play(opened, openEvents.Count, "timer:reply", new LapseDeadline(due.Kind, due.DueAt, due.LapsesAt));
        var compensation = Assert.Single(lapsed.Compensations);
        var version = openEvents.Count + lapseEvents.Count;
        var recording = _harness.Create<TicketRecording>();
        await recording.RecordTicket(new TicketRecord(ticketId, version, lapsed, [.. openEvents, .. lapseEvents], []), CancellationToken.None);
        Assert.Equal("pending", Assert.Single((await LedgerAsync(TicketHost.Shop)).Entries, e => e.TicketId == ticketId).Status);

        var order = WorkOrders.Settlement(ticketId, lapsed, compensation.IdempotencyKey);
        await _harness.Create<CompensationSettlement>().SettleCompensation(order, CancellationToken.None);
        // Another worker (its own ledger, no memory of what it wrote) records the lapse again: a settled row stays settled.
        var otherWorker = _harness.Create<TicketRecording>(_harness.Create<ShopLedger>());
        await otherWorker.RecordTicket(new TicketRecord(ticketId, version, lapsed, lapseEvents, []), CancellationToken.None);

        var entry = Assert.Single((await LedgerAsync(TicketHost.Shop)).Entries, e => e.TicketId == ticketId);
        Assert.Equal("settled", entry.Status);
        Assert.Equal(WorkOrders.IdempotencyKey(ticketId, compensation.IdempotencyKey), entry.IdempotencyKey);
        Assert.Equal(compensation.Amount.ToString(), entry.Amount);
    }
}
