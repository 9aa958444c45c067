using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed class ShopStandingTests
{
    private static readonly DateTimeOffset Day0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void GivenNoCompensatedTickets_WhenScored_ThenNoPoints()
    {
        Assert.Empty(ShopStanding.ViolationPoints([], Xhs));
    }

    [Fact]
    public void GivenTheFirstCompensatedTicket_WhenScored_ThenTwoPoints()
    {
        var entry = Assert.Single(ShopStanding.ViolationPoints([new CompensatedTicket("T1", Day0)], Xhs));

        Assert.Equal(new ViolationPointEntry("T1", Day0, 2, "first"), entry);
    }

    [Fact]
    public void GivenFurtherTicketsWithin30DaysOfThePrevious_WhenScored_ThenFourEach()
    {
        var entries = ShopStanding.ViolationPoints(
            [new CompensatedTicket("T3", Day0.AddDays(50)), new CompensatedTicket("T1", Day0), new CompensatedTicket("T2", Day0.AddDays(30))], Xhs);

        Assert.Equal([2, 4, 4], entries.Select(e => e.Points));
        Assert.Equal(["T1", "T2", "T3"], entries.Select(e => e.TicketId));
        Assert.Equal(10, ShopStanding.TotalPoints([new CompensatedTicket("T1", Day0), new CompensatedTicket("T2", Day0.AddDays(30)), new CompensatedTicket("T3", Day0.AddDays(50))], Xhs));
    }

    [Fact]
    public void GivenAGapLongerThan30Days_WhenScored_ThenTheNextIsAFirstAgain()
    {
        var entries = ShopStanding.ViolationPoints([new CompensatedTicket("T1", Day0), new CompensatedTicket("T2", Day0.AddDays(30).AddTicks(1))], Xhs);

        Assert.Equal([2, 2], entries.Select(e => e.Points));
    }

    [Fact]
    public void GivenTheSameTicketTwice_WhenScored_ThenCountedOnce()
    {
        Assert.Single(ShopStanding.ViolationPoints([new CompensatedTicket("T1", Day0), new CompensatedTicket("T1", Day0.AddHours(1))], Xhs));
    }

    [Fact]
    public void GivenPolicyNumbers_WhenScored_ThenThePolicysNumbersApply()
    {
        var policy = Xhs with { FirstViolationPoints = 1, RepeatViolationPoints = 3, RepeatViolationWindow = TimeSpan.FromDays(7) };

        var entries = ShopStanding.ViolationPoints([new CompensatedTicket("T1", Day0), new CompensatedTicket("T2", Day0.AddDays(7)), new CompensatedTicket("T3", Day0.AddDays(15))], policy);

        Assert.Equal([1, 3, 1], entries.Select(e => e.Points));
    }

    [Fact]
    public void GivenMoreThan20PackagesBelowHalfOnTime_WhenCycleScored_ThenFiveSeriousPoints()
    {
        var penalty = ShopStanding.OnTimePenalty(new ShippingCycle(Day0, 21, 10), Xhs);

        Assert.Equal(new OnTimePenalty(Day0, 10m / 21m, 5, "serious"), penalty);
        Assert.Null(ShopStanding.OnTimePenalty(new ShippingCycle(Day0, 20, 5), Xhs));
    }

    [Fact]
    public void GivenAConfiguredThreshold_WhenCycleBelowIt_ThenFiveGeneralPoints()
    {
        var policy = Xhs with { OnTimeRateThreshold = 0.9m };

        Assert.Equal("general", ShopStanding.OnTimePenalty(new ShippingCycle(Day0, 10, 8), policy)!.Severity);
        Assert.Null(ShopStanding.OnTimePenalty(new ShippingCycle(Day0, 10, 9), policy));
    }
}
