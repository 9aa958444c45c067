using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed partial class TicketDeciderTests
{
    [Fact]
    public void GivenXhsAwaitingSellerReply_WhenAfterSaleOpened_ThenCompletedAfterSale()
    {
        var state = Opened(Xhs);

        var after = Then(state, When(state, new OpenAfterSale(AfterSaleKind.Refund, UrgedAt.AddHours(2), UrgedAt.AddHours(2))));

        Assert.Equal(TicketOutcome.AfterSale, after.Outcome);
        Assert.Equal(AfterSaleKind.Refund, after.AfterSaleKind);
    }

    [Theory]
    [MemberData(nameof(Escalating), MemberType = typeof(Fixtures))]
    public void GivenTaobaoTmallPddAwaitingSellerReply_WhenAfterSaleOpened_ThenStillAwaiting_AndRefundCompletedCompletesAfterSale(string marketplace)
    {
        var state = Opened(marketplace);

        state = Then(state, When(state, new OpenAfterSale(AfterSaleKind.ReturnRefund, UrgedAt.AddHours(2), UrgedAt.AddHours(2))));
        Assert.Equal(TicketStatus.AwaitingSellerReply, state.Status);

        state = Then(state, When(state, new CompleteRefund(UrgedAt.AddHours(3), UrgedAt.AddHours(3))));
        Assert.Equal(TicketOutcome.AfterSale, state.Outcome);
    }

    [Fact]
    public void GivenXhsAwaitingSellerReply_WhenRefundCompleted_ThenCompletedAfterSale()
    {
        var state = Opened(Xhs);

        var after = Then(state, When(state, new CompleteRefund(UrgedAt.AddHours(3), UrgedAt.AddHours(3))));

        Assert.Equal(TicketOutcome.AfterSale, after.Outcome);
    }

    [Theory]
    [InlineData("xiaohongshu")]
    [InlineData("taobao")]
    public void GivenAwaitingSellerExecution_WhenAfterSaleCompletes_ThenCompletedAfterSale(string marketplace)
    {
        var state = AwaitingExecution(Policy(marketplace));

        state = Given(state, new OpenAfterSale(AfterSaleKind.Refund, UrgedAt.AddHours(2), UrgedAt.AddHours(2)), new CompleteRefund(UrgedAt.AddHours(3), UrgedAt.AddHours(3)));

        Assert.Equal(TicketOutcome.AfterSale, state.Outcome);
    }

    [Fact]
    public void GivenXhsAwaitingBuyerConfirmation_WhenAfterSaleOpenedFirst_ThenCompletedAfterSale()
    {
        var state = AwaitingBuyer(Xhs);

        var after = Then(state, When(state, new OpenAfterSale(AfterSaleKind.Refund, UrgedAt.AddHours(2), UrgedAt.AddHours(2))));

        Assert.Equal(TicketOutcome.AfterSale, after.Outcome);
    }

    [Fact]
    public void GivenAfterSaleOpened_WhenRedelivered_ThenIgnoredDuplicate()
    {
        var state = Given(Opened(Tb), new OpenAfterSale(AfterSaleKind.Refund, UrgedAt.AddHours(2), UrgedAt.AddHours(2)));

        Assert.Equal("duplicate", Ignored(When(state, new OpenAfterSale(AfterSaleKind.Refund, UrgedAt.AddHours(2), UrgedAt.AddHours(3)))));
    }

    [Fact]
    public void GivenCompleted_WhenAfterSaleOpened_ThenIgnoredTicketCompleted()
    {
        var state = Given(Opened(Xhs), new RecordShipment(AllItems(), UrgedAt.AddHours(1), UrgedAt.AddHours(1)));

        Assert.Equal("ticket_completed", Ignored(When(state, new OpenAfterSale(AfterSaleKind.Refund, UrgedAt.AddHours(2), UrgedAt.AddHours(2)))));
    }

    [Fact]
    public void GivenNoTicket_WhenRefundCompleted_ThenIgnoredNoTicket()
    {
        Assert.Equal("no_ticket", Ignored(When(TicketState.Initial, new CompleteRefund(UrgedAt, UrgedAt))));
    }

    [Fact]
    public void GivenXhsLapseCommitted_WhenAfterSaleProvingInTimeArrives_ThenFlaggedNeedsReview()
    {
        var state = Given(Opened(Xhs), new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace));

        var after = Then(state, When(state, new OpenAfterSale(AfterSaleKind.Refund, ReplyDue, ReplyDue + Grace + Tick)));

        Assert.True(after.NeedsReview);
        Assert.Contains("in_time_after_sale_after_lapse", after.ReviewReasons);
        Assert.Equal(TicketOutcome.LateShipmentCompensated, after.Outcome);
    }

    [Fact]
    public void GivenXhsAwaitingSellerReply_WhenAfterSaleOccurredInFuture_ThenRejected()
    {
        Assert.Equal("occurred_in_future", WhenRejected(Opened(Xhs), new OpenAfterSale(AfterSaleKind.Refund, UrgedAt.AddSeconds(301), UrgedAt)).Code);
    }
}
