using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

/// <summary>ExtendDeadline: an operator moves the active deadline later (audited).</summary>
public sealed partial class TicketDeciderTests
{
    private static readonly TimeSpan SixHours = TimeSpan.FromHours(6);

    private static ExtendDeadline Extend(TimeSpan by, DateTimeOffset? at = null) => new(by, "ops@urge", "carrier strike in the region", at ?? ReplyAt);

    [Fact]
    public void GivenAwaitingSellerReply_WhenOperatorExtends_ThenTheReplyDeadlineAndItsLapseMoveLater()
    {
        var state = Opened(Xhs);

        var events = When(state, Extend(SixHours));

        var after = Then(state, events);
        Assert.Equal(new DeadlineExtended(DeadlineKind.Reply, ReplyDue, ReplyDue + SixHours, "ops@urge", "carrier strike in the region", ReplyAt), Assert.Single(events));
        Assert.Equal(new ActiveDeadline(DeadlineKind.Reply, ReplyDue + SixHours, ReplyDue + SixHours + Grace), after.ActiveDeadline);
        Assert.Equal(ReplyDue + SixHours, after.ReplyDeadline);
        Assert.Equal(TicketStatus.AwaitingSellerReply, after.Status);
    }

    [Fact]
    public void GivenExtendedReplyDeadline_WhenSellerRepliesAfterTheOldDeadline_ThenInTime()
    {
        var state = Given(Opened(Xhs), Extend(SixHours));

        var after = Then(state, When(state, new ReplyWithDelay(ReplyDue.AddDays(1), "R-1", ReplyDue.AddHours(5))));

        Assert.Equal(TicketStatus.AwaitingSellerExecution, after.Status);
    }

    [Fact]
    public void GivenExtendedReplyDeadline_WhenTheOldTimerFires_ThenIgnoredStale_AndTheNewOneLapses()
    {
        var state = Given(Opened(Xhs), Extend(SixHours));

        Assert.Equal("stale_deadline", Ignored(When(state, new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace))));
        Assert.Equal("deadline_not_due", WhenRejected(state, new LapseDeadline(DeadlineKind.Reply, ReplyDue + SixHours, ReplyDue + SixHours)).Code);
        var after = Then(state, When(state, new LapseDeadline(DeadlineKind.Reply, ReplyDue + SixHours, ReplyDue + SixHours + Grace)));
        Assert.Equal(TicketOutcome.LateShipmentCompensated, after.Outcome);
    }

    [Fact]
    public void GivenReplyDeadlinePassedButNotLapsed_WhenExtended_ThenTheDeadlineRunsAgain()
    {
        var state = Opened(Xhs);

        var after = Then(state, When(state, Extend(SixHours, ReplyDue.AddSeconds(30))));

        Assert.Equal(ReplyDue + SixHours, after.ActiveDeadline!.DueAt);
        Assert.Equal(TicketStatus.AwaitingSellerExecution, Then(after, When(after, new ReplyWithDelay(ReplyDue.AddDays(1), "R-1", ReplyDue.AddHours(1)))).Status);
    }

    [Fact]
    public void GivenAwaitingSellerExecution_WhenExtended_ThenTheShipByDeadlineMoves()
    {
        var state = AwaitingExecution(Xhs);

        var after = Then(state, When(state, Extend(TimeSpan.FromDays(2))));

        Assert.Equal(ShipByOf().AddDays(2), after.ShipByDeadline);
        Assert.Equal(new ActiveDeadline(DeadlineKind.ShipBy, ShipByOf().AddDays(2), ShipByOf().AddDays(2) + Grace), after.ActiveDeadline);
        Assert.Equal(ReplyDue, after.ReplyDeadline);
    }

    [Fact]
    public void GivenAwaitingBuyerConfirmation_WhenExtended_ThenTheBuyerConfirmationDeadlineMoves()
    {
        var state = AwaitingBuyer(Tb);

        var after = Then(state, When(state, Extend(SixHours)));

        Assert.Equal(BuyerDue + SixHours, after.BuyerConfirmationDeadline);
        Assert.Equal(DeadlineKind.BuyerConfirmation, after.ActiveDeadline!.Kind);
        var accepted = Then(after, When(after, new AcceptPlan(BuyerDue.AddHours(1), BuyerDue.AddHours(1))));
        Assert.Equal(TicketOutcome.BuyerAccepted, accepted.Outcome);
    }

    [Fact]
    public void GivenOpenTicket_WhenExtendedByExactlySevenDays_ThenAccepted_AndOneTickMoreRejectedInvalidExtension()
    {
        Assert.IsType<DeadlineExtended>(Assert.Single(When(Opened(Xhs), Extend(TimeSpan.FromDays(7)))));
        Assert.Equal("invalid_extension", WhenRejected(Opened(Xhs), Extend(TimeSpan.FromDays(7) + Tick)).Code);
    }

    [Fact]
    public void GivenOpenTicket_WhenExtendedByZeroOrLess_ThenRejectedInvalidExtension()
    {
        Assert.Equal("invalid_extension", WhenRejected(Opened(Xhs), Extend(TimeSpan.Zero)).Code);
        Assert.Equal("invalid_extension", WhenRejected(Opened(Xhs), Extend(-SixHours)).Code);
    }

    [Fact]
    public void GivenPolicyWithAOneDayMaximum_WhenExtendedByTwoDays_ThenRejectedInvalidExtension()
    {
        var state = Opened(Xhs with { MaxOperatorExtension = TimeSpan.FromDays(1) });

        Assert.Equal("invalid_extension", WhenRejected(state, Extend(TimeSpan.FromDays(2))).Code);
    }

    [Fact]
    public void GivenNoTicketInterventionOrCompleted_WhenExtended_ThenRejectedNoActiveDeadline()
    {
        Assert.Equal("no_active_deadline", WhenRejected(TicketState.Initial, Extend(SixHours)).Code);
        Assert.Equal("no_active_deadline", WhenRejected(InIntervention(Tb), Extend(SixHours)).Code);
        Assert.Equal("no_active_deadline", WhenRejected(Given(Opened(Xhs), new RecordShipment(AllItems(), ReplyAt, ReplyAt)), Extend(SixHours)).Code);
    }

    [Fact]
    public void GivenOpenTicket_WhenExtensionNamesNoOperatorOrNoWhy_ThenRejected()
    {
        Assert.Equal("operator_required", WhenRejected(Opened(Xhs), new ExtendDeadline(SixHours, " ", "why", ReplyAt)).Code);
        Assert.Equal("why_required", WhenRejected(Opened(Xhs), new ExtendDeadline(SixHours, "ops", "", ReplyAt)).Code);
    }
}
