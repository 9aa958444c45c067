using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

/// <summary>Every row of the RULES.md compensation table, by formula and through the decider.</summary>
public sealed class CompensationTableTests
{
    public static TheoryData<decimal, decimal, decimal, decimal> Table => new()
    {
        { 59.90m, 5.00m, 17.97m, 12.97m },
        { 100.10m, 5.01m, 30.03m, 25.02m },
        { 199.00m, 9.95m, 59.70m, 49.75m },
        { 388.88m, 19.44m, 100.00m, 80.56m },
        { 2999.00m, 100.00m, 100.00m, 0m },
        { 10.00m, 5.00m, 5.00m, 0m },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void GivenPaidAmount_WhenXhsFormulasApply_ThenAutoComplaintAndTopUpMatchTheTable(decimal paid, decimal auto, decimal complaint, decimal topUp)
    {
        var amount = Money.Of(paid);

        Assert.Equal(Money.Of(auto), TicketDecider.AutoCompensationAmount(Xhs, amount));
        Assert.Equal(Money.Of(complaint), Xhs.ComplaintCompensation.Apply(amount));
        Assert.Equal(Money.Of(topUp), TicketDecider.ComplaintAmount(Xhs, amount, Money.Of(auto)));
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void GivenXhsCannotShip_WhenTicketCompletes_ThenAutoCompensationMatchesTheTable(decimal paid, decimal auto, decimal complaint, decimal topUp)
    {
        _ = (complaint, topUp);
        var state = Opened(Xhs, AnOrder(paid));

        state = Given(state, new ReplyCannotShip("no stock", "R-1", UrgedAt.AddHours(1)));

        Assert.Equal(Money.Of(auto), Assert.Single(state.Compensations).Amount);
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void GivenXhsOutOfStockCompensated_WhenComplaintUpheldOnCompletedTicket_ThenTopUpMatchesTheTableAndZeroRecordsNothing(decimal paid, decimal auto, decimal complaint, decimal topUp)
    {
        _ = complaint;
        var state = Given(Opened(Xhs, AnOrder(paid)), new ReplyCannotShip("no stock", "R-1", UrgedAt.AddHours(1)));
        var at = UrgedAt.AddHours(2);

        var events = Fixtures.When(state, new ResolveComplaint(true, null, at, at));
        var after = TicketDecider.Fold(state, events);

        Assert.Equal(TicketOutcome.OutOfStockCompensated, after.Outcome);
        Assert.Equal(Money.Of(auto), after.Compensations.Single(c => c.Kind == CompensationKind.OutOfStock).Amount);
        if (topUp == 0m)
        {
            Assert.DoesNotContain(events, e => e is CompensationAssessed);
            Assert.Single(after.Compensations);
        }
        else
        {
            Assert.Equal(Money.Of(topUp), after.Compensations.Single(c => c.Kind == CompensationKind.Complaint).Amount);
        }
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void GivenTaobaoIntervention_WhenComplaintUpheldWithoutAmount_ThenComplaintFormulaMatchesTheTable(decimal paid, decimal auto, decimal complaint, decimal topUp)
    {
        _ = (auto, topUp);
        var state = Given(Opened(Tb, AnOrder(paid)), new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace));
        var at = ReplyDue.AddHours(5);

        var after = Given(state, new ResolveComplaint(true, null, at, at));

        Assert.Equal(TicketOutcome.ComplaintUpheld, after.Outcome);
        Assert.Equal(Money.Of(complaint), Assert.Single(after.Compensations).Amount);
    }

    [Fact]
    public void GivenXhsPolicy_WhenPaidIsBelowTheMinimum_ThenMinimumStillApplies_AsWritten()
    {
        Assert.Equal(Money.Of(5.00m), TicketDecider.AutoCompensationAmount(Xhs, Money.Of(1.00m)));
    }

    [Fact]
    public void GivenCapAtPaidAmountSetting_WhenPaidIsBelowTheMinimum_ThenCappedAtPaid()
    {
        Assert.Equal(Money.Of(1.00m), TicketDecider.AutoCompensationAmount(Xhs with { CapCompensationAtPaidAmount = true }, Money.Of(1.00m)));
    }

    [Fact]
    public void GivenXhsDelayScale_WhenApplied_ThenFivePercentBetweenOneAndThirty()
    {
        var scale = MarketplacePolicies.XhsDelay.AutoCompensation;

        Assert.Equal(Money.Of(1.00m), scale.Apply(Money.Of(10.00m)));
        Assert.Equal(Money.Of(9.95m), scale.Apply(Money.Of(199.00m)));
        Assert.Equal(Money.Of(30.00m), scale.Apply(Money.Of(2999.00m)));
    }
}
