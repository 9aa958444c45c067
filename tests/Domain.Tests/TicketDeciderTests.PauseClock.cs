using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

/// <summary>PauseClock: while an operator has the clock paused the deadline cannot lapse and what happens is in time.</summary>
public sealed partial class TicketDeciderTests
{
    private static readonly DateTimeOffset PausedAt = ReplyDue.AddHours(-2);

    private static PauseClock Pause(DateTimeOffset? at = null) => new("ops@urge", "marketplace outage", at ?? PausedAt);

    [Fact]
    public void GivenAwaitingSellerReply_WhenOperatorPauses_ThenPausedAndTheDeadlineCannotLapse()
    {
        var state = Opened(Xhs);

        var events = When(state, Pause());

        var after = Then(state, events);
        Assert.Equal(new ClockPaused("ops@urge", "marketplace outage", PausedAt), Assert.Single(events));
        Assert.True(after.IsPaused);
        Assert.Equal(PausedAt, after.PausedAt);
        Assert.Equal("clock_paused", Ignored(When(after, new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace))));
        Assert.Equal("clock_paused", Ignored(When(after, new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue.AddDays(3)))));
    }

    [Fact]
    public void GivenPausedClock_WhenSellerRepliesAfterTheOriginalDeadline_ThenInTime_AndTheNewDeadlineRunsUnpaused()
    {
        var state = Given(Opened(Xhs), Pause());
        var replyAt = ReplyDue.AddHours(3);

        var after = Then(state, When(state, new ReplyWithDelay(replyAt.AddDays(1), "R-1", replyAt)));

        Assert.Equal(TicketStatus.AwaitingSellerExecution, after.Status);
        Assert.False(after.IsPaused);
        Assert.Equal(replyAt.AddDays(1), after.ActiveDeadline!.DueAt);
    }

    [Fact]
    public void GivenPausedClock_WhenAllItemsShipAfterTheOriginalDeadline_ThenCompletedShippedAndNoLongerPaused()
    {
        var state = Given(Opened(Xhs), Pause());
        var shippedAt = ReplyDue.AddHours(5);

        var after = Then(state, When(state, new RecordShipment(AllItems(), shippedAt, shippedAt)));

        Assert.Equal(TicketOutcome.Shipped, after.Outcome);
        Assert.False(after.IsPaused);
        Assert.Empty(after.Compensations);
    }

    [Fact]
    public void GivenPausedBuyerConfirmation_WhenBuyerAcceptsAfterTheOriginalDeadline_ThenCompletedBuyerAccepted()
    {
        var state = Given(AwaitingBuyer(Tb), Pause(BuyerDue.AddHours(-1)));
        var answeredAt = BuyerDue.AddHours(4);

        var after = Then(state, When(state, new AcceptPlan(answeredAt, answeredAt)));

        Assert.Equal(TicketOutcome.BuyerAccepted, after.Outcome);
    }

    [Fact]
    public void GivenPausedClock_WhenPausedAgain_ThenRejectedAlreadyPaused()
    {
        Assert.Equal("already_paused", WhenRejected(Given(Opened(Xhs), Pause()), Pause(PausedAt.AddMinutes(5))).Code);
    }

    [Fact]
    public void GivenTheDeadlineExactlyNow_WhenPaused_ThenAccepted_AndOneTickLaterRejectedDeadlinePassed()
    {
        Assert.IsType<ClockPaused>(Assert.Single(When(Opened(Xhs), Pause(ReplyDue))));
        Assert.Equal("deadline_passed", WhenRejected(Opened(Xhs), Pause(ReplyDue + Tick)).Code);
    }

    [Fact]
    public void GivenNoTicketInterventionOrCompleted_WhenPaused_ThenRejectedNoActiveDeadline()
    {
        Assert.Equal("no_active_deadline", WhenRejected(TicketState.Initial, Pause()).Code);
        Assert.Equal("no_active_deadline", WhenRejected(InIntervention(Tb), Pause()).Code);
        Assert.Equal("no_active_deadline", WhenRejected(Given(Opened(Xhs), new RecordShipment(AllItems(), ReplyAt, ReplyAt)), Pause()).Code);
    }

    [Fact]
    public void GivenPausedTaobaoTicket_WhenBuyerComplaintEscalates_ThenThePauseEndsWithTheDeadline()
    {
        var state = Given(Opened(Tb), Pause());

        var after = Then(state, When(state, new FileComplaint(ComplaintReason.LateShipment, PausedAt.AddHours(1), PausedAt.AddHours(1))));

        Assert.Equal(TicketStatus.PlatformIntervention, after.Status);
        Assert.False(after.IsPaused);
        Assert.Null(after.ActiveDeadline);
    }

    [Fact]
    public void GivenOpenTicket_WhenPauseNamesNoOperatorOrNoWhy_ThenRejected()
    {
        Assert.Equal("operator_required", WhenRejected(Opened(Xhs), new PauseClock("", "why", PausedAt)).Code);
        Assert.Equal("why_required", WhenRejected(Opened(Xhs), new PauseClock("ops", "  ", PausedAt)).Code);
    }
}
