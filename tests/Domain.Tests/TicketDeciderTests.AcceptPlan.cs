using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed partial class TicketDeciderTests
{
    [Theory]
    [MemberData(nameof(Shipped), MemberType = typeof(Fixtures))]
    public void GivenAwaitingBuyer_WhenBuyerAcceptsPlan_ThenCompletedBuyerAccepted(string marketplace)
    {
        var state = AwaitingBuyer(Policy(marketplace));

        var after = Then(state, When(state, new AcceptPlan(BuyerDue, BuyerDue + Grace)));

        Assert.Equal(TicketOutcome.BuyerAccepted, after.Outcome);
        Assert.Empty(after.Compensations);
    }

    [Fact]
    public void GivenAwaitingBuyer_WhenAcceptanceOccurredAfterDeadline_ThenRecordedAndLapseTimesOut()
    {
        var state = AwaitingBuyer(Xhs);

        state = Then(state, When(state, new AcceptPlan(BuyerDue + Tick, BuyerDue + Tick)));
        Assert.Equal(TicketStatus.AwaitingBuyerConfirmation, state.Status);

        state = Given(state, new LapseDeadline(DeadlineKind.BuyerConfirmation, BuyerDue, BuyerDue + Grace));
        Assert.Equal(TicketOutcome.BuyerConfirmationTimedOut, state.Outcome);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenBuyerAcceptsPlan_ThenIgnoredNotApplicable()
    {
        Assert.Equal("not_applicable_in_state", Ignored(When(Opened(Xhs), new AcceptPlan(ReplyAt, ReplyAt))));
    }

    [Fact]
    public void GivenBuyerConfirmationLapsed_WhenAcceptanceProvingInTimeArrives_ThenFlaggedNeedsReview()
    {
        var state = Given(AwaitingBuyer(Xhs), new LapseDeadline(DeadlineKind.BuyerConfirmation, BuyerDue, BuyerDue + Grace));

        var after = Then(state, When(state, new AcceptPlan(BuyerDue, BuyerDue + Grace + TimeSpan.FromSeconds(1))));

        Assert.True(after.NeedsReview);
        Assert.Equal(TicketOutcome.BuyerConfirmationTimedOut, after.Outcome);
    }

    [Fact]
    public void GivenBuyerAccepted_WhenAcceptanceRedelivered_ThenIgnoredDuplicate()
    {
        var state = Given(AwaitingBuyer(Xhs), new AcceptPlan(BuyerDue, BuyerDue));

        Assert.Equal("duplicate", Ignored(When(state, new AcceptPlan(BuyerDue, BuyerDue.AddMinutes(1)))));
    }

    [Fact]
    public void GivenNoTicket_WhenBuyerAcceptsPlan_ThenIgnoredNoTicket()
    {
        Assert.Equal("no_ticket", Ignored(When(TicketState.Initial, new AcceptPlan(ReplyAt, ReplyAt))));
    }
}
