using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed partial class TicketDeciderTests
{
    [Theory]
    [MemberData(nameof(Shipped), MemberType = typeof(Fixtures))]
    public void GivenNoTicket_WhenBuyerUrgesPastPromisedTime_ThenTicketOpensAwaitingSellerReplyWithReplyDeadline(string marketplace)
    {
        var events = When(TicketState.Initial, Urge(Policy(marketplace)));

        var state = Then(TicketState.Initial, events);
        Assert.Equal(TicketStatus.AwaitingSellerReply, state.Status);
        Assert.Equal(ReplyDue, state.ReplyDeadline);
        Assert.Equal(new ActiveDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace), state.ActiveDeadline);
        Assert.Equal(UrgedAt, state.OpenedAt);
        Assert.Equal(Policy(marketplace), state.Policy);
        Assert.Equal("S-1", state.ShopId);
        Assert.Equal(UrgeOutcome.TicketOpened, Assert.Single(state.Urges).Outcome);
    }

    [Fact]
    public void GivenNoTicket_WhenTicketOpens_ThenSellerIsNotifiedOfTicketOpened()
    {
        var state = Opened(Xhs);

        var notice = Assert.Single(state.Notices);
        Assert.Equal(NoticeAudience.Seller, notice.Audience);
        Assert.Equal(NoticeTemplates.TicketOpened, notice.Template);
        Assert.Equal("O-1001", notice.Parameters["orderId"]);
        Assert.Equal(WorkStatus.Pending, notice.Status);
        Assert.Contains(state.PendingWork, w => w.Key == notice.Key && w.Kind == WorkKind.DeliverNotice);
    }

    [Fact]
    public void GivenNoTicket_WhenBuyerUrgesWithinPromisedTime_ThenNoTicketButUrgeIsRecorded()
    {
        var events = When(TicketState.Initial, Urge(Xhs, at: PromisedShipBy));

        var state = Then(TicketState.Initial, events);
        Assert.Equal(TicketStatus.None, state.Status);
        var urge = Assert.Single(state.Urges);
        Assert.Equal(UrgeResult.NoTicket, urge.Outcome.Result);
        Assert.Equal("within_promised_time", urge.Outcome.Reason);
        Assert.Equal(PromisedShipBy, urge.OccurredAt);
        Assert.Empty(state.PendingWork);
    }

    [Fact]
    public void GivenUrgesWithinPromisedTime_WhenBuyerUrgesAgainLater_ThenTicketOpens()
    {
        var state = Given(Urge(Xhs, at: PromisedShipBy.AddHours(-1)), Urge(Xhs, at: PromisedShipBy.AddTicks(1)));

        Assert.Equal(TicketStatus.AwaitingSellerReply, state.Status);
        Assert.Equal(2, state.Urges.Count);
        Assert.Equal(PromisedShipBy.AddTicks(1) + TimeSpan.FromHours(24), state.ReplyDeadline);
    }

    [Theory]
    [InlineData(TicketStatus.AwaitingSellerReply)]
    [InlineData(TicketStatus.AwaitingSellerExecution)]
    [InlineData(TicketStatus.AwaitingBuyerConfirmation)]
    [InlineData(TicketStatus.PlatformIntervention)]
    [InlineData(TicketStatus.Completed)]
    public void GivenTicketInAnyState_WhenBuyerUrgesAgain_ThenTicketExistsAndUrgeIsRecorded(TicketStatus status)
    {
        var state = status switch
        {
            TicketStatus.AwaitingSellerReply => Opened(Tb),
            TicketStatus.AwaitingSellerExecution => AwaitingExecution(Tb),
            TicketStatus.AwaitingBuyerConfirmation => AwaitingBuyer(Tb),
            TicketStatus.PlatformIntervention => InIntervention(Tb),
            _ => Given(Opened(Tb), new RecordShipment(AllItems(), UrgedAt.AddHours(2), UrgedAt.AddHours(2))),
        };
        Assert.Equal(status, state.Status);

        var events = When(state, Urge(Tb, at: UrgedAt.AddHours(3)));

        var recorded = Assert.IsType<UrgeRecorded>(Assert.Single(events));
        Assert.Equal(UrgeOutcome.TicketExists, recorded.Urge.Outcome);
        var after = Then(state, events);
        Assert.Equal(status, after.Status);
        Assert.Equal(2, after.Urges.Count);
    }

    [Fact]
    public void GivenNoTicket_WhenUrgeOccurredExactly300SecondsAhead_ThenAccepted()
    {
        var events = When(TicketState.Initial, Urge(Xhs, at: UrgedAt, now: UrgedAt.AddSeconds(-300)));

        Assert.Contains(events, e => e is TicketOpened);
    }

    [Fact]
    public void GivenNoTicket_WhenUrgeOccurred301SecondsAhead_ThenRejectedOccurredInFuture()
    {
        var rejected = WhenRejected(TicketState.Initial, Urge(Xhs, at: UrgedAt, now: UrgedAt.AddSeconds(-301)));

        Assert.Equal("occurred_in_future", rejected.Code);
    }

    [Fact]
    public void GivenTicketForOneOrder_WhenUrgeNamesAnotherOrder_ThenRejectedOrderMismatch()
    {
        var rejected = WhenRejected(Opened(Xhs), Urge(Xhs, AnOrder() with { OrderId = "O-2" }));

        Assert.Equal("order_mismatch", rejected.Code);
    }

    [Fact]
    public void GivenNoTicket_WhenOrderHasZeroQuantity_ThenRejectedInvalidQuantity()
    {
        var rejected = WhenRejected(TicketState.Initial, Urge(Xhs, AnOrder(199m, new OrderLine("SKU-A", 0))));

        Assert.Equal("invalid_quantity", rejected.Code);
    }

    [Fact]
    public void GivenNoTicket_WhenOrderPaidAmountIsNegative_ThenRejectedInvalidAmount()
    {
        var rejected = WhenRejected(TicketState.Initial, Urge(Xhs, AnOrder() with { PaidAmount = new Money(-1m) }));

        Assert.Equal("invalid_amount", rejected.Code);
    }

    [Fact]
    public void GivenTicketOpenedUnderXhs2024_WhenAnotherVersionIsLaterInForce_ThenTicketKeepsItsVersion()
    {
        var state = Opened(Xhs, AnOrder(1000m));
        var dated = MarketplacePolicies.XhsDelay with { EffectiveFrom = UrgedAt.AddMinutes(1) };
        var later = MarketplacePolicies.Resolve("xiaohongshu", UrgedAt.AddHours(1), [dated]);
        Assert.Equal("XHS-DELAY", later!.Version);

        state = Given(state, Urge(later, AnOrder(1000m), at: UrgedAt.AddHours(1)), new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace));

        Assert.Equal("XHS-2024", state.Policy!.Version);
        Assert.Equal(Money.Of(50.00m), Assert.Single(state.Compensations).Amount); // XHS-DELAY would cap at 30.00
    }
}
