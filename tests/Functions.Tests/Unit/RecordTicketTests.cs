using Moq;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Activities;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Functions.Projections;
using UrgeShipment.Functions.Tickets;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests.Unit;

/// <summary>The <c>RecordTicket</c> activity: what it writes is what the HTTP functions read back from the ticket table.</summary>
[Collection(HostCollection.Name)]
public sealed class RecordTicketTests(AzuriteServer azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = FunctionHarness.Now;

    private FunctionHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await FunctionHarness.StartAsync(azurite);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    /// <summary>An opening urge and a seller's delay reply, as the orchestration records them (two transitions).</summary>
    private static (string TicketId, TicketRecord Opened, TicketRecord Replied) ATicket(string orderId)
    {
        var ticketId = TicketIds.For(FunctionHarness.Marketplace, orderId);
        var (opened, openEvents) = FunctionHarness.Play(TicketState.Initial, 0, "webhook:xiaohongshu:e1",
            new Domain.UrgeShipment(FunctionHarness.AnOrder(orderId), MarketplacePolicies.Xhs2024, Now, Now));
        var (replied, replyEvents) = FunctionHarness.Play(opened, openEvents.Count, "reply:ops-a:k1", new ReplyWithDelay(Now.AddDays(2), "k1", Now.AddMinutes(5)));
        var openResult = new CommandResult("webhook:xiaohongshu:e1", "attempt-1", true, null, null, openEvents.Count, "ticket_opened", null);
        var replyResult = new CommandResult("reply:ops-a:k1", "attempt-2", true, null, null, openEvents.Count + replyEvents.Count, "applied", null);
        return (ticketId,
            new TicketRecord(ticketId, openEvents.Count, opened, openEvents, [openResult]),
            new TicketRecord(ticketId, openEvents.Count + replyEvents.Count, replied, replyEvents, [replyResult]));
    }

    /// <summary>Table reads (point and query) on this harness's storage so far.</summary>
    private long Reads()
    {
        var counts = _harness.Get<StorageRequestCounter>().Snapshot();
        return counts.GetValueOrDefault("table.get") + counts.GetValueOrDefault("table.query");
    }

    private async Task<long?> ListedVersionAsync(TicketRecord record)
    {
        var page = await _harness.Get<TicketIndex>().QueryAsync(new TicketQuery(null, null, record.State.Order!.ShopId, null, 100, null), CancellationToken.None);
        return page.Items.SingleOrDefault(i => i.TicketId == record.TicketId)?.Version;
    }

    [Fact]
    public async Task GivenTwoTransitions_WhenRecorded_ThenReadWithHistoryReturnsTheLatestStateAndEveryEventInOrder()
    {
        var (ticketId, opened, replied) = ATicket(Payloads.NewOrderId());
        var recording = _harness.Create<TicketRecording>();

        await recording.RecordTicket(opened, CancellationToken.None);
        await recording.RecordTicket(replied, CancellationToken.None);

        var (ticket, history) = (await _harness.Tickets.ReadWithHistoryAsync(ticketId, CancellationToken.None))!.Value;
        Assert.Equal(ticketId, ticket.TicketId);
        Assert.Equal(replied.Version, ticket.Version);
        Assert.Equal(TicketStatus.AwaitingSellerExecution, ticket.State.Status);
        Assert.Equal(TicketHost.Shop, ticket.State.ShopId);
        Assert.Equal(replied.State.ActiveDeadline, ticket.State.ActiveDeadline);
        Assert.Equal("k1", ticket.State.Reply!.ReplyId);
        var written = opened.Events.Concat(replied.Events).ToList();
        Assert.Equal(written.Select(e => e.Version), history.Select(e => e.Version));
        Assert.Equal(written.Select(e => e.CommandId), history.Select(e => e.CommandId));
        Assert.Equal(written.Select(e => e.Event.GetType()), history.Select(e => e.Event.GetType()));
        Assert.Equal(written.Select(e => e.RecordedAt), history.Select(e => e.RecordedAt));
    }

    [Fact]
    public async Task GivenARecordedTransition_WhenItsCommandResultIsRead_ThenItIsTheResultThatWasWritten()
    {
        var (ticketId, opened, replied) = ATicket(Payloads.NewOrderId());
        var recording = _harness.Create<TicketRecording>();
        await recording.RecordTicket(opened, CancellationToken.None);
        await recording.RecordTicket(replied, CancellationToken.None);

        Assert.Equal(opened.Results[0], await _harness.Tickets.ReadResultAsync(ticketId, "webhook:xiaohongshu:e1", CancellationToken.None));
        Assert.Equal(replied.Results[0], await _harness.Tickets.ReadResultAsync(ticketId, "reply:ops-a:k1", CancellationToken.None));
        Assert.Null(await _harness.Tickets.ReadResultAsync(ticketId, "reply:ops-a:never-sent", CancellationToken.None));
    }

    [Fact]
    public async Task GivenARefusedCommand_WhenRecorded_ThenItsResultReadsBackRefusedWithItsCodeAndAttempt()
    {
        var (ticketId, opened, _) = ATicket(Payloads.NewOrderId());
        var refused = new CommandResult("reply:ops-a:late", "attempt-9", false, RejectionCodes.ReplyWindowClosed, "the reply window closed", opened.Version, null, null);

        await _harness.Create<TicketRecording>().RecordTicket(opened with { Events = [], Results = [refused] }, CancellationToken.None);

        Assert.Equal(refused, await _harness.Tickets.ReadResultAsync(ticketId, refused.CommandId, CancellationToken.None));
    }

    [Fact]
    public async Task GivenATransitionRecordedTwice_WhenRead_ThenTheHistoryHoldsEachEventOnce()
    {
        var (ticketId, opened, _) = ATicket(Payloads.NewOrderId());
        var recording = _harness.Create<TicketRecording>();

        await recording.RecordTicket(opened, CancellationToken.None);
        await recording.RecordTicket(opened, CancellationToken.None); // the activity retried

        var (ticket, history) = (await _harness.Tickets.ReadWithHistoryAsync(ticketId, CancellationToken.None))!.Value;
        Assert.Equal(opened.Version, ticket.Version);
        Assert.Equal(opened.Events.Select(e => e.Version), history.Select(e => e.Version));
    }

    [Fact]
    public async Task GivenACommandIdAwaitedInThisProcess_WhenItsResultIsRecorded_ThenTheWaiterIsWokenBeforeItsTimeout()
    {
        var (ticketId, opened, _) = ATicket(Payloads.NewOrderId());
        using var watch = _harness.Get<CommandResults>().Watch(ticketId, "webhook:xiaohongshu:e1");
        var woken = watch.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.False(woken.IsCompleted);

        await _harness.Create<TicketRecording>().RecordTicket(opened, CancellationToken.None);

        // Bounded: the watcher's own timeout is 30 s; being woken by the record returns long before that.
        Assert.Same(woken, await Task.WhenAny(woken, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.Equal(opened.Results.Single(), watch.Recorded); // handed over as written: the waiter need not read it back
        Assert.Equal(watch.Recorded, await _harness.Tickets.ReadResultAsync(ticketId, "webhook:xiaohongshu:e1", CancellationToken.None));
    }

    [Fact]
    public async Task GivenTwoTransitions_WhenRecorded_ThenTheShopsListingShowsTheTicketAtItsLatestVersionAndDeadline()
    {
        var (ticketId, opened, replied) = ATicket(Payloads.NewOrderId());
        var recording = _harness.Create<TicketRecording>();
        await recording.RecordTicket(opened, CancellationToken.None);
        await recording.RecordTicket(replied, CancellationToken.None);

        var page = await _harness.Get<TicketIndex>().QueryAsync(new TicketQuery(null, null, TicketHost.Shop, null, 50, null), CancellationToken.None);

        var summary = Assert.Single(page.Items);
        Assert.Equal(ticketId, summary.TicketId);
        Assert.Equal("awaiting_seller_execution", summary.State);
        Assert.Equal("ship_by", summary.ActiveDeadlineKind);
        Assert.Equal(Now.AddDays(2), summary.DueAt);
        Assert.Equal(replied.Version, summary.Version);
    }

    /// <summary>The opening as the orchestration hands it over within a transition: with the orders of its pending effects.</summary>
    private static TicketRecord WithItsWork(TicketRecord record) =>
        record with { Work = [.. record.State.PendingWork.Select(item => WorkOrders.For(record.TicketId, record.State, item))] };

    [Fact]
    public async Task GivenATransitionWithPendingNotices_WhenRecordedWithTheirOrders_ThenEachIsSent_AndItsDeliveryRecordedInTheSameActivity()
    {
        var (ticketId, opened, _) = ATicket(Payloads.NewOrderId());
        var record = WithItsWork(opened);
        Assert.NotEmpty(record.Work);

        var outcome = await _harness.Create<TicketRecording>().RecordTicket(record, CancellationToken.None);

        Assert.NotNull(outcome);
        Assert.Empty(outcome.Failed);
        Assert.Empty(outcome.State.PendingWork);
        Assert.Equal(opened.Version + outcome.Events.Count, outcome.Version);
        Assert.All(outcome.Events, e => Assert.IsType<NoticeDelivered>(e.Event));
        Assert.Equal(record.Work.Select(w => "work:" + w.Key), outcome.Events.Select(e => e.CommandId));
        var stored = (await _harness.Tickets.ReadAsync(ticketId, CancellationToken.None))!;
        Assert.Equal(outcome.Version, stored.Version);
        Assert.Empty(stored.State.PendingWork);
        var sent = (await _harness.Get<Outbox>().ReadAsync(ticketId, CancellationToken.None)).Items;
        Assert.Equal(record.Work.Count, sent.Count);
    }

    [Fact]
    public async Task GivenAChannelThatFails_WhenATransitionTriesItsNotices_ThenTheTransitionIsStillRecorded_AndTheirKeysComeBackFailed_StillPending()
    {
        var (ticketId, opened, _) = ATicket(Payloads.NewOrderId());
        var record = WithItsWork(opened);
        var failing = new Mock<INotificationChannel>();
        failing.SetupGet(c => c.Name).Returns("chat");
        failing.Setup(c => c.SendAsync(It.IsAny<OutgoingNotification>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("Notification channel answered 500."));
        var recording = _harness.Create<TicketRecording>(_harness.Create<NoticeDelivery>(failing.Object));

        var outcome = await recording.RecordTicket(record, CancellationToken.None);

        Assert.NotNull(outcome);
        Assert.Equal(record.Work.Select(w => w.Key), outcome.Failed);
        Assert.Empty(outcome.Events);
        Assert.Equal(opened.Version, outcome.Version);
        var stored = (await _harness.Tickets.ReadAsync(ticketId, CancellationToken.None))!;
        Assert.Equal(opened.Version, stored.Version);
        Assert.Equal(record.Work.Select(w => w.Key), stored.State.PendingWork.Select(w => w.Key));
        Assert.Empty((await _harness.Get<Outbox>().ReadAsync(ticketId, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task GivenATransitionWithoutWork_WhenRecorded_ThenTheOutcomeHasNoFacts_AndTheRowsETags()
    {
        var (ticketId, opened, _) = ATicket(Payloads.NewOrderId());

        var outcome = await _harness.Create<TicketRecording>().RecordTicket(opened, CancellationToken.None);

        Assert.NotNull(outcome);
        Assert.Empty(outcome.Events);
        Assert.Equal(opened.Version, outcome.Version);
        Assert.NotNull(outcome.StateETag);
        Assert.NotNull(outcome.ListingETag);
        Assert.Equal(opened.Version, (await _harness.Tickets.ReadAsync(ticketId, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task GivenTheETagsOfTheLastRecord_WhenTheNextIsRecorded_ThenBothRowsMoveOn_WithoutReadingThem()
    {
        var (ticketId, opened, replied) = ATicket(Payloads.NewOrderId());
        var recording = _harness.Create<TicketRecording>();
        var first = (await recording.RecordTicket(opened with { StateETag = TicketRecord.NoRowYet, ListingETag = TicketRecord.NoRowYet }, CancellationToken.None))!;
        var reads = Reads();

        var next = (await recording.RecordTicket(replied with { StateETag = first.StateETag, ListingETag = first.ListingETag }, CancellationToken.None))!;

        Assert.Equal(0, Reads() - reads);
        Assert.NotEqual(first.StateETag, next.StateETag);
        Assert.NotEqual(first.ListingETag, next.ListingETag);
        Assert.Equal(replied.Version, (await _harness.Tickets.ReadAsync(ticketId, CancellationToken.None))!.Version);
        Assert.Equal(replied.Version, await ListedVersionAsync(replied));
    }

    [Fact]
    public async Task GivenStaleETags_WhenRecorded_ThenTheWriteReadsTheRows_AndNeverMovesTheTicketBack()
    {
        var (ticketId, opened, replied) = ATicket(Payloads.NewOrderId());
        var recording = _harness.Create<TicketRecording>();
        var first = (await recording.RecordTicket(opened, CancellationToken.None))!;
        await recording.RecordTicket(replied with { StateETag = first.StateETag, ListingETag = first.ListingETag }, CancellationToken.None);

        // a late copy of the first record, claiming no rows exist yet: both adds conflict, both rows are read and kept
        Assert.Null(await recording.RecordTicket(opened with { StateETag = TicketRecord.NoRowYet, ListingETag = TicketRecord.NoRowYet }, CancellationToken.None));
        // a record carrying the first write's ETags after the rows moved on: conditional writes fail, then read
        var again = await recording.RecordTicket(replied with { StateETag = first.StateETag, ListingETag = first.ListingETag }, CancellationToken.None);

        Assert.NotNull(again);
        Assert.Equal(replied.Version, (await _harness.Tickets.ReadAsync(ticketId, CancellationToken.None))!.Version);
        Assert.Equal(replied.Version, await ListedVersionAsync(replied));
    }

    [Fact]
    public async Task GivenTheStateETagOfTheLastWrite_WhenTheRowHasMovedOnSince_ThenTheWriteReReads_AndNeverMovesTheTicketBack()
    {
        var (ticketId, opened, replied) = ATicket(Payloads.NewOrderId());
        var (written, etag) = await _harness.Tickets.WriteAsync(opened, null, CancellationToken.None);
        Assert.True(written);
        Assert.NotNull(etag);
        Assert.True(await _harness.Tickets.WriteAsync(replied, CancellationToken.None)); // the row moves on: etag is stale

        var (stale, _) = await _harness.Tickets.WriteAsync(opened, etag, CancellationToken.None);

        Assert.False(stale);
        Assert.Equal(replied.Version, (await _harness.Tickets.ReadAsync(ticketId, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task GivenTheStateETagOfTheLastWrite_WhenTheNextTransitionIsWritten_ThenItIsWrittenUnderThatETag()
    {
        var (ticketId, opened, replied) = ATicket(Payloads.NewOrderId());
        var (_, etag) = await _harness.Tickets.WriteAsync(opened, null, CancellationToken.None);

        var (written, next) = await _harness.Tickets.WriteAsync(replied, etag, CancellationToken.None);

        Assert.True(written);
        Assert.NotEqual(etag, next);
        Assert.Equal(replied.Version, (await _harness.Tickets.ReadAsync(ticketId, CancellationToken.None))!.Version);
    }
}
