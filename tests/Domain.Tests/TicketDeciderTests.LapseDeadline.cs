using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed partial class TicketDeciderTests
{
    [Theory]
    [MemberData(nameof(Escalating), MemberType = typeof(Fixtures))]
    public void GivenTaobaoTmallPddAwaitingSellerReply_WhenReplyDeadlineLapses_ThenPlatformInterventionAndComplaintFiledOnBuyersBehalf(string marketplace)
    {
        var state = Opened(marketplace);

        var events = When(state, new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace));

        var after = Then(state, events);
        Assert.Equal(new DeadlineLapsed(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace), events[0]);
        Assert.Equal(TicketStatus.PlatformIntervention, after.Status);
        Assert.Equal("reply_lapsed", after.EscalationReason);
        Assert.Equal(WorkStatus.Pending, after.ComplaintFiling);
        Assert.Contains(new WorkItem(TicketState.ComplaintFilingKey, WorkKind.FileComplaint), after.PendingWork);
        Assert.Empty(after.Compensations);
        Assert.Null(after.ActiveDeadline);
    }

    [Fact]
    public void GivenXhsAwaitingSellerReply_WhenReplyDeadlineLapses_ThenLateShipmentCompensationAndCompleted()
    {
        var state = Opened(Xhs);

        var after = Then(state, When(state, new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace)));

        Assert.Equal(TicketOutcome.LateShipmentCompensated, after.Outcome);
        var compensation = Assert.Single(after.Compensations);
        Assert.Equal(CompensationKind.LateShipment, compensation.Kind);
        Assert.Equal("late_shipment", compensation.IdempotencyKey);
        Assert.Equal(Money.Of(9.95m), compensation.Amount);
        Assert.Null(after.ComplaintFiling);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenTimerFiresOneTickBeforeDuePlusGrace_ThenRejectedDeadlineNotDue()
    {
        Assert.Equal("deadline_not_due", WhenRejected(Opened(Xhs), new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace - Tick)).Code);
        Assert.Equal("deadline_not_due", WhenRejected(Opened(Xhs), new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue)).Code);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenTimerFiresExactlyAtDuePlusGrace_ThenLapses()
    {
        Assert.Contains(When(Opened(Xhs), new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace)), e => e is DeadlineLapsed);
    }

    [Fact]
    public void GivenXhsAwaitingSellerExecution_WhenShipByLapses_ThenLateShipmentCompensationAndCompleted()
    {
        var state = AwaitingExecution(Xhs);

        var after = Then(state, When(state, new LapseDeadline(DeadlineKind.ShipBy, ShipByOf(), ShipByOf() + Grace)));

        Assert.Equal(TicketOutcome.LateShipmentCompensated, after.Outcome);
        Assert.Equal(CompensationKind.LateShipment, Assert.Single(after.Compensations).Kind);
    }

    [Theory]
    [MemberData(nameof(Escalating), MemberType = typeof(Fixtures))]
    public void GivenTaobaoTmallPddAwaitingSellerExecution_WhenShipByLapses_ThenPlatformIntervention(string marketplace)
    {
        var state = AwaitingExecution(Policy(marketplace));

        var after = Then(state, When(state, new LapseDeadline(DeadlineKind.ShipBy, ShipByOf(), ShipByOf() + Grace)));

        Assert.Equal(TicketStatus.PlatformIntervention, after.Status);
        Assert.Equal("ship_by_lapsed", after.EscalationReason);
    }

    [Fact]
    public void GivenAwaitingSellerExecution_WhenShipByTimerFiresOneTickEarly_ThenRejectedDeadlineNotDue()
    {
        Assert.Equal("deadline_not_due", WhenRejected(AwaitingExecution(Xhs), new LapseDeadline(DeadlineKind.ShipBy, ShipByOf(), ShipByOf() + Grace - Tick)).Code);
    }

    [Theory]
    [MemberData(nameof(Shipped), MemberType = typeof(Fixtures))]
    public void GivenAwaitingBuyer_WhenDeadlineLapses_ThenCompletesTimedOut(string marketplace)
    {
        var state = AwaitingBuyer(Policy(marketplace));

        var after = Then(state, When(state, new LapseDeadline(DeadlineKind.BuyerConfirmation, BuyerDue, BuyerDue + Grace)));

        Assert.Equal(TicketOutcome.BuyerConfirmationTimedOut, after.Outcome);
        Assert.Empty(after.Compensations);
    }

    [Fact]
    public void GivenAwaitingSellerExecution_WhenTheOldReplyTimerFires_ThenIgnoredStaleDeadline()
    {
        Assert.Equal("stale_deadline", Ignored(When(AwaitingExecution(Xhs), new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace))));
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenTimerCarriesAnotherDueTime_ThenIgnoredStaleDeadline()
    {
        Assert.Equal("stale_deadline", Ignored(When(Opened(Xhs), new LapseDeadline(DeadlineKind.Reply, ReplyDue.AddHours(-1), ReplyDue + Grace))));
    }

    [Fact]
    public void GivenLapsed_WhenTheTimerIsRedelivered_ThenIgnoredAndNoSecondCompensation()
    {
        var state = Given(Opened(Xhs), new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace));

        var events = When(state, new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace + TimeSpan.FromSeconds(5)));

        Assert.Equal("stale_deadline", Ignored(events));
        Assert.Single(Then(state, events).Compensations);
    }

    [Fact]
    public void GivenNoTicket_WhenTimerFires_ThenIgnoredNoTicket()
    {
        Assert.Equal("no_ticket", Ignored(When(TicketState.Initial, new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace))));
    }

    [Fact]
    public void GivenXhsDelayVersionScheduledByOperator_WhenReplyLapses_ThenItsScaleApplies()
    {
        var dated = MarketplacePolicies.XhsDelay with { EffectiveFrom = PaidAt };
        var policy = MarketplacePolicies.Resolve("xiaohongshu", UrgedAt, [dated])!;
        var state = Opened(policy, AnOrder(10.00m));

        var after = Then(state, When(state, new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace)));

        Assert.Equal("XHS-DELAY", after.Policy!.Version);
        Assert.Equal(Money.Of(1.00m), Assert.Single(after.Compensations).Amount);
    }
}
