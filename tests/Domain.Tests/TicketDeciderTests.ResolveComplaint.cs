using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed partial class TicketDeciderTests
{
    private static readonly DateTimeOffset ResolvedAt = ReplyDue.AddDays(1);

    [Theory]
    [MemberData(nameof(Escalating), MemberType = typeof(Fixtures))]
    public void GivenPlatformIntervention_WhenComplaintUpheldWithoutAmount_ThenComplaintCompensationByFormulaAndCompletedUpheld(string marketplace)
    {
        var state = InIntervention(Policy(marketplace));

        var after = Then(state, When(state, new ResolveComplaint(true, null, ResolvedAt, ResolvedAt)));

        Assert.Equal(TicketOutcome.ComplaintUpheld, after.Outcome);
        var compensation = Assert.Single(after.Compensations);
        Assert.Equal(new Compensation(CompensationKind.Complaint, Money.Of(59.70m), "complaint", WorkStatus.Pending, ResolvedAt, null), compensation);
        Assert.Contains(after.Notices, n => n.Key == "compensation_granted:complaint");
    }

    [Fact]
    public void GivenComplaintFilingStillPending_WhenPlatformResolves_ThenNoFilingLeftToDo()
    {
        var state = InIntervention(Tb);
        Assert.Contains(state.PendingWork, w => w.Kind == WorkKind.FileComplaint);

        var after = Then(state, When(state, new ResolveComplaint(false, null, ResolvedAt, ResolvedAt)));

        Assert.DoesNotContain(after.PendingWork, w => w.Kind == WorkKind.FileComplaint);
    }

    [Fact]
    public void GivenPlatformIntervention_WhenComplaintUpheldWithStatedAmount_ThenThePlatformsAmountIsPaid()
    {
        var state = InIntervention(Tb);

        var after = Then(state, When(state, new ResolveComplaint(true, Money.Of(123.45m), ResolvedAt, ResolvedAt)));

        Assert.Equal(Money.Of(123.45m), Assert.Single(after.Compensations).Amount);
    }

    [Fact]
    public void GivenPlatformIntervention_WhenComplaintUpheldWithZeroAmount_ThenCompletedUpheldAndNothingRecorded()
    {
        var state = InIntervention(Tb);

        var after = Then(state, When(state, new ResolveComplaint(true, Money.Zero, ResolvedAt, ResolvedAt)));

        Assert.Equal(TicketOutcome.ComplaintUpheld, after.Outcome);
        Assert.Empty(after.Compensations);
    }

    [Theory]
    [MemberData(nameof(Escalating), MemberType = typeof(Fixtures))]
    public void GivenPlatformIntervention_WhenComplaintRejected_ThenCompletedRejectedWithoutCompensation(string marketplace)
    {
        var state = InIntervention(Policy(marketplace));

        var after = Then(state, When(state, new ResolveComplaint(false, null, ResolvedAt, ResolvedAt)));

        Assert.Equal(TicketOutcome.ComplaintRejected, after.Outcome);
        Assert.Empty(after.Compensations);
    }

    [Fact]
    public void GivenXhsIntervention_WhenComplaintUpheld_ThenThirtyPercentFormula()
    {
        var state = Given(Opened(Xhs), new FileComplaint(ComplaintReason.OutOfStock, ReplyAt, ReplyAt));

        var after = Then(state, When(state, new ResolveComplaint(true, null, ResolvedAt, ResolvedAt)));

        Assert.Equal(Money.Of(59.70m), Assert.Single(after.Compensations).Amount);
    }

    [Fact]
    public void GivenXhsLateShipmentCompensated_WhenComplaintUpheld_ThenTopUpOverAutoAndOutcomeStays()
    {
        var state = Given(Opened(Xhs), new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace));

        var after = Then(state, When(state, new ResolveComplaint(true, null, ResolvedAt, ResolvedAt)));

        Assert.Equal(TicketOutcome.LateShipmentCompensated, after.Outcome);
        Assert.Equal(Money.Of(49.75m), after.Compensations.Single(c => c.Kind == CompensationKind.Complaint).Amount);
    }

    [Fact]
    public void GivenXhsTopUpPaid_WhenComplaintResolutionRedelivered_ThenIgnoredDuplicateAndPaidOnce()
    {
        var state = Given(Opened(Xhs), new ReplyCannotShip("x", "R-1", ReplyAt), new ResolveComplaint(true, null, ResolvedAt, ResolvedAt));

        var events = When(state, new ResolveComplaint(true, null, ResolvedAt, ResolvedAt.AddMinutes(1)));

        Assert.Equal("duplicate", Ignored(events));
        Assert.Equal(2, Then(state, events).Compensations.Count);
    }

    [Fact]
    public void GivenTaobaoCompleted_WhenComplaintResolved_ThenIgnoredTicketCompleted()
    {
        var state = Given(Opened(Tb), new RecordShipment(AllItems(), ReplyAt, ReplyAt));

        Assert.Equal("ticket_completed", Ignored(When(state, new ResolveComplaint(true, null, ResolvedAt, ResolvedAt))));
    }

    [Fact]
    public void GivenPlatformIntervention_WhenComplaintAmountIsNegative_ThenRejectedInvalidAmount()
    {
        Assert.Equal("invalid_amount", WhenRejected(InIntervention(Tb), new ResolveComplaint(true, new Money(-0.01m), ResolvedAt, ResolvedAt)).Code);
        Assert.Equal("invalid_amount", WhenRejected(InIntervention(Tb), new ResolveComplaint(true, new Money(1.001m), ResolvedAt, ResolvedAt)).Code);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenComplaintUpheld_ThenAppliesAtOnce()
    {
        var state = Opened(Tb);

        var after = Then(state, When(state, new ResolveComplaint(true, null, ReplyAt, ReplyAt)));

        Assert.Equal(TicketOutcome.ComplaintUpheld, after.Outcome);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenComplaintRejected_ThenIgnoredAndTicketContinues()
    {
        Assert.Equal("not_applicable_in_state", Ignored(When(Opened(Tb), new ResolveComplaint(false, null, ReplyAt, ReplyAt))));
    }

    [Fact]
    public void GivenNoTicket_WhenComplaintResolved_ThenIgnoredNoTicket()
    {
        Assert.Equal("no_ticket", Ignored(When(TicketState.Initial, new ResolveComplaint(true, null, ReplyAt, ReplyAt))));
    }
}
