using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed partial class TicketDeciderTests
{
    private static readonly DateTimeOffset ReplyAt = UrgedAt.AddHours(1);

    [Theory]
    [MemberData(nameof(Shipped), MemberType = typeof(Fixtures))]
    public void GivenAwaitingSellerReply_WhenSellerRepliesDelayWithin5Days_ThenAwaitingSellerExecutionWithShipByDeadline(string marketplace)
    {
        var state = Opened(marketplace);
        var shipBy = ReplyAt.AddDays(3);

        var after = Then(state, When(state, new ReplyWithDelay(shipBy, "R-1", ReplyAt)));

        Assert.Equal(TicketStatus.AwaitingSellerExecution, after.Status);
        Assert.Equal(shipBy, after.ShipByDeadline);
        Assert.Equal(new ActiveDeadline(DeadlineKind.ShipBy, shipBy, shipBy + Grace), after.ActiveDeadline);
        Assert.Equal(new SellerReply(ReplyKind.Delay, ReplyAt, "R-1", shipBy, null, after.Reply!.Evidence, null), after.Reply);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenSellerRepliesDelay_ThenBuyerIsToldTheNewShipTime()
    {
        var state = Opened(Xhs);
        var shipBy = ReplyAt.AddDays(2);

        var after = Then(state, When(state, new ReplyWithDelay(shipBy, "R-1", ReplyAt)));

        var card = Assert.Single(after.Notices, n => n.Audience == NoticeAudience.Buyer);
        Assert.Equal(NoticeTemplates.SellerPlanDelay, card.Template);
        Assert.Equal(shipBy, DateTimeOffset.Parse(card.Parameters["shipBy"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenShipByIsExactlyReplyTimePlus5Days_ThenAccepted()
    {
        var after = Then(Opened(Xhs), When(Opened(Xhs), new ReplyWithDelay(ReplyAt.AddDays(5), "R-1", ReplyAt)));

        Assert.Equal(TicketStatus.AwaitingSellerExecution, after.Status);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenShipByIsOneTickPast5Days_ThenRejectedDelayOutOfRange()
    {
        Assert.Equal("delay_out_of_range", WhenRejected(Opened(Xhs), new ReplyWithDelay(ReplyAt.AddDays(5) + Tick, "R-1", ReplyAt)).Code);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenShipByEqualsReplyTime_ThenRejectedDelayOutOfRange()
    {
        Assert.Equal("delay_out_of_range", WhenRejected(Opened(Xhs), new ReplyWithDelay(ReplyAt, "R-1", ReplyAt)).Code);
        Assert.Equal("delay_out_of_range", WhenRejected(Opened(Xhs), new ReplyWithDelay(ReplyAt - Tick, "R-1", ReplyAt)).Code);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenShipByIsOneTickAfterReplyTime_ThenAccepted()
    {
        Assert.IsType<Decision.Accepted>(TicketDecider.Decide(Opened(Xhs), new ReplyWithDelay(ReplyAt + Tick, "R-1", ReplyAt)));
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenReplyIsExactlyAtTheDeadline_ThenInTime()
    {
        var after = Then(Opened(Xhs), When(Opened(Xhs), new ReplyWithDelay(ReplyDue.AddDays(1), "R-1", ReplyDue)));

        Assert.Equal(TicketStatus.AwaitingSellerExecution, after.Status);
    }

    [Theory]
    [MemberData(nameof(Shipped), MemberType = typeof(Fixtures))]
    public void GivenAwaitingSellerReply_WhenReplyIsOneTickAfterTheDeadlineEvenInGrace_ThenRejectedReplyWindowClosed(string marketplace)
    {
        var rejected = WhenRejected(Opened(marketplace), new ReplyWithDelay(ReplyDue.AddDays(1), "R-1", ReplyDue + Tick));

        Assert.Equal("reply_window_closed", rejected.Code);
    }

    [Fact]
    public void GivenSellerReplied_WhenAnotherReplyArrives_ThenRejectedAlreadyReplied()
    {
        var state = AwaitingExecution(Xhs);

        Assert.Equal("already_replied", WhenRejected(state, new ReplyWithDelay(ReplyAt.AddDays(4), "R-2", ReplyAt.AddHours(1))).Code);
        Assert.Equal("already_replied", WhenRejected(state, new ReplyCannotShip("no stock", "R-2", ReplyAt.AddHours(1))).Code);
    }

    [Fact]
    public void GivenSellerReplied_WhenTheSameReplyIdIsRetried_ThenIgnoredDuplicate()
    {
        var state = AwaitingExecution(Xhs);

        Assert.Equal("duplicate", Ignored(When(state, new ReplyWithDelay(ShipByOf(), "R-1", ReplyAt.AddMinutes(1)))));
    }

    [Fact]
    public void GivenNoTicket_WhenSellerReplies_ThenRejectedNoTicket()
    {
        Assert.Equal("no_ticket", WhenRejected(TicketState.Initial, new ReplyWithDelay(ReplyAt.AddDays(1), "R-1", ReplyAt)).Code);
        Assert.Equal("no_ticket", WhenRejected(Given(Urge(Xhs, at: PaidAt.AddHours(1))), new ReplyCannotShip("x", "R-1", ReplyAt)).Code);
    }

    [Fact]
    public void GivenCompletedBeforeAnyReply_WhenSellerRepliesInWindow_ThenRejectedInvalidState()
    {
        var state = Given(Opened(Xhs), new RecordShipment(AllItems(), UrgedAt.AddMinutes(30), UrgedAt.AddMinutes(30)));

        Assert.Equal("invalid_state", WhenRejected(state, new ReplyWithDelay(ReplyAt.AddDays(1), "R-1", ReplyAt)).Code);
    }

    [Fact]
    public void GivenReplyLapsed_WhenSellerRepliesLate_ThenRejectedReplyWindowClosed()
    {
        var state = InIntervention(Tb);

        Assert.Equal("reply_window_closed", WhenRejected(state, new ReplyWithDelay(ReplyDue.AddDays(1), "R-1", ReplyDue + Grace)).Code);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenReplyIdIsBlank_ThenRejectedReplyIdRequired()
    {
        Assert.Equal("reply_id_required", WhenRejected(Opened(Xhs), new ReplyWithDelay(ReplyAt.AddDays(1), " ", ReplyAt)).Code);
    }
}
