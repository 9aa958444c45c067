using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed partial class TicketDeciderTests
{
    [Fact]
    public void GivenXhsAwaitingBuyer_WhenBuyerRejectsPlan_ThenOutOfStockCompensationAndCompleted()
    {
        var state = AwaitingBuyer(Xhs);

        var after = Then(state, When(state, new RejectPlan(BuyerDue, BuyerDue)));

        Assert.Equal(TicketOutcome.OutOfStockCompensated, after.Outcome);
        var compensation = Assert.Single(after.Compensations);
        Assert.Equal(CompensationKind.OutOfStock, compensation.Kind);
        Assert.Equal(Money.Of(9.95m), compensation.Amount);
        Assert.Contains(after.Notices, n => n.Template == NoticeTemplates.CompensationGranted);
    }

    [Theory]
    [MemberData(nameof(Escalating), MemberType = typeof(Fixtures))]
    public void GivenTaobaoTmallPddAwaitingBuyer_WhenBuyerRejectsPlan_ThenPlatformIntervention(string marketplace)
    {
        var state = AwaitingBuyer(Policy(marketplace));

        var after = Then(state, When(state, new RejectPlan(BuyerDue, BuyerDue)));

        Assert.Equal(TicketStatus.PlatformIntervention, after.Status);
        Assert.Equal("plan_rejected", after.EscalationReason);
        Assert.Empty(after.Compensations);
    }

    [Fact]
    public void GivenAwaitingSellerExecution_WhenBuyerRejectsPlan_ThenIgnoredNotApplicable()
    {
        Assert.Equal("not_applicable_in_state", Ignored(When(AwaitingExecution(Xhs), new RejectPlan(ReplyAt, ReplyAt))));
    }

    [Fact]
    public void GivenTaobaoIntervention_WhenBuyerAnswerRedelivered_ThenIgnored()
    {
        var state = Given(AwaitingBuyer(Tb), new RejectPlan(BuyerDue, BuyerDue));

        Assert.Equal("duplicate", Ignored(When(state, new RejectPlan(BuyerDue, BuyerDue.AddMinutes(1)))));
    }

    [Fact]
    public void GivenXhsCompleted_WhenPlanRejectionRedelivered_ThenIgnoredDuplicateAndNoSecondCompensation()
    {
        var state = Given(AwaitingBuyer(Xhs), new RejectPlan(BuyerDue, BuyerDue));

        var events = When(state, new RejectPlan(BuyerDue, BuyerDue.AddMinutes(1)));

        Assert.Equal("duplicate", Ignored(events));
        Assert.Single(Then(state, events).Compensations);
    }
}
