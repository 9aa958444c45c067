using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

/// <summary>ResumeClock: the deadline held by the pause moves later by the paused time.</summary>
public sealed partial class TicketDeciderTests
{
    private static ResumeClock Resume(DateTimeOffset at) => new("ops@urge", "marketplace back", at);

    [Fact]
    public void GivenPausedForThreeHours_WhenResumed_ThenTheDeadlineAndItsLapseMoveLaterByThreeHours()
    {
        var state = Given(Opened(Xhs), Pause());
        var resumedAt = PausedAt.AddHours(3);

        var events = When(state, Resume(resumedAt));

        var after = Then(state, events);
        Assert.Equal(new ClockResumed(TimeSpan.FromHours(3), "ops@urge", "marketplace back", resumedAt), Assert.Single(events));
        Assert.False(after.IsPaused);
        Assert.Null(after.PausedAt);
        Assert.Equal(new ActiveDeadline(DeadlineKind.Reply, ReplyDue.AddHours(3), ReplyDue.AddHours(3) + Grace), after.ActiveDeadline);
        Assert.Equal(ReplyDue.AddHours(3), after.ReplyDeadline);
    }

    [Fact]
    public void GivenResumed_WhenTheOldTimerFires_ThenIgnoredStale_AndTheMovedDeadlineLapses()
    {
        var state = Given(Opened(Tb), Pause(), Resume(PausedAt.AddHours(3)));

        Assert.Equal("stale_deadline", Ignored(When(state, new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace))));
        var after = Then(state, When(state, new LapseDeadline(DeadlineKind.Reply, ReplyDue.AddHours(3), ReplyDue.AddHours(3) + Grace)));
        Assert.Equal(TicketStatus.PlatformIntervention, after.Status);
    }

    [Fact]
    public void GivenResumed_WhenSellerRepliesWithinTheRemainingTwoHours_ThenInTime_AndOneTickAfterRejected()
    {
        var resumedAt = PausedAt.AddHours(10);
        var state = Given(Opened(Xhs), Pause(), Resume(resumedAt));

        Assert.Equal(TicketStatus.AwaitingSellerExecution, Then(state, When(state, new ReplyWithDelay(resumedAt.AddDays(1), "R-1", resumedAt.AddHours(2)))).Status);
        Assert.Equal("reply_window_closed", WhenRejected(state, new ReplyWithDelay(resumedAt.AddDays(1), "R-1", resumedAt.AddHours(2) + Tick)).Code);
    }

    [Fact]
    public void GivenPausedAwaitingSellerExecution_WhenResumed_ThenTheShipByDeadlineMoves()
    {
        var pausedAt = ShipByOf().AddDays(-1);
        var state = Given(AwaitingExecution(Xhs), Pause(pausedAt), Resume(pausedAt.AddDays(2)));

        Assert.Equal(ShipByOf().AddDays(2), state.ShipByDeadline);
        Assert.Equal(ShipByOf().AddDays(2), state.ActiveDeadline!.DueAt);
    }

    [Fact]
    public void GivenClockRunning_WhenResumed_ThenRejectedNotPaused()
    {
        Assert.Equal("not_paused", WhenRejected(Opened(Xhs), Resume(ReplyAt)).Code);
        Assert.Equal("not_paused", WhenRejected(TicketState.Initial, Resume(ReplyAt)).Code);
        Assert.Equal("not_paused", WhenRejected(InIntervention(Tb), Resume(ReplyAt)).Code);
    }

    [Fact]
    public void GivenAPauseEndedByCompletion_WhenResumed_ThenRejectedNotPaused()
    {
        var state = Given(Opened(Xhs), Pause(), new RecordShipment(AllItems(), PausedAt.AddHours(1), PausedAt.AddHours(1)));

        Assert.Equal("not_paused", WhenRejected(state, Resume(PausedAt.AddHours(2))).Code);
    }

    [Fact]
    public void GivenPausedClock_WhenResumeNamesNoOperatorOrNoWhy_ThenRejected()
    {
        var state = Given(Opened(Xhs), Pause());

        Assert.Equal("operator_required", WhenRejected(state, new ResumeClock("", "why", ReplyDue)).Code);
        Assert.Equal("why_required", WhenRejected(state, new ResumeClock("ops", "", ReplyDue)).Code);
    }
}
