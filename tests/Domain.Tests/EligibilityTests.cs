using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

/// <summary>The nine checks of RULES.md "Opening a ticket", in order; the first that applies decides.</summary>
public sealed class EligibilityTests
{
    private static readonly DateTimeOffset Late = UrgedAt;

    [Fact]
    public void GivenATicketExists_WhenUrged_ThenTicketExistsBeatsEveryOtherCheck()
    {
        var everything = AnOrder() with { ShippedItems = AnOrder().Items, AfterSaleOpen = true, CustomCategory = true };

        var outcome = Eligibility.Check(everything, Tb, PaidAt, ticketExists: true);

        Assert.Equal(UrgeResult.TicketExists, outcome.Result);
        Assert.Equal("ticket_exists", outcome.Code);
        Assert.Null(outcome.Reason);
    }

    [Fact]
    public void GivenEveryItemShipped_WhenUrgedWithinPromisedTime_ThenAlreadyShippedBeatsWithinPromisedTime()
    {
        var shipped = AnOrder() with { ShippedItems = AnOrder().Items, AfterSaleOpen = true };

        var outcome = Eligibility.Check(shipped, Xhs, PaidAt);

        Assert.Equal(UrgeResult.NoTicket, outcome.Result);
        Assert.Equal("already_shipped", outcome.Reason);
    }

    [Fact]
    public void GivenSomeItemsShipped_WhenUrgedLate_ThenTicketOpens()
    {
        var partial = AnOrder() with { ShippedItems = [new OrderLine("SKU-A", 2)] };

        Assert.Equal(UrgeOutcome.TicketOpened, Eligibility.Check(partial, Xhs, Late));
    }

    [Fact]
    public void GivenAfterSaleOpen_WhenUrgedWithinPromisedTime_ThenAfterSaleOpenBeatsWithinPromisedTime()
    {
        var outcome = Eligibility.Check(AnOrder() with { AfterSaleOpen = true }, Xhs, PaidAt);

        Assert.Equal("after_sale_open", outcome.Reason);
    }

    [Fact]
    public void GivenNoPromisedShipBy_WhenUrgedExactlyAtPaidPlus48Hours_ThenWithinPromisedTime()
    {
        Assert.Equal("within_promised_time", Eligibility.Check(AnOrder(), Xhs, PaidAt.AddHours(48)).Reason);
    }

    [Fact]
    public void GivenNoPromisedShipBy_WhenUrgedOneTickAfterPaidPlus48Hours_ThenTicketOpens()
    {
        Assert.Equal(UrgeOutcome.TicketOpened, Eligibility.Check(AnOrder(), Xhs, PaidAt.AddHours(48).AddTicks(1)));
    }

    [Fact]
    public void GivenPromisedShipBy_WhenUrgedAtIt_ThenWithinPromisedTime_AndOneTickLaterOpens()
    {
        var order = AnOrder() with { PromisedShipBy = PaidAt.AddHours(72) };

        Assert.Equal("within_promised_time", Eligibility.Check(order, Xhs, PaidAt.AddHours(72)).Reason);
        Assert.Equal(UrgeOutcome.TicketOpened, Eligibility.Check(order, Xhs, PaidAt.AddHours(72).AddTicks(1)));
    }

    [Fact]
    public void GivenWithinPromisedTimeAndApprovedDelay_WhenUrged_ThenWithinPromisedTimeBeatsReportedDelay()
    {
        var order = AnOrder() with { ApprovedDelayShipBy = PaidAt.AddDays(5) };

        Assert.Equal("within_promised_time", Eligibility.Check(order, Xhs, PaidAt.AddHours(1)).Reason);
    }

    [Fact]
    public void GivenApprovedDelay_WhenUrgedAtItsShipBy_ThenReportedDelayActive_AndOneTickLaterOpens()
    {
        var order = AnOrder() with { ApprovedDelayShipBy = Late.AddDays(1) };

        Assert.Equal("reported_delay_active", Eligibility.Check(order, Xhs, Late.AddDays(1)).Reason);
        Assert.Equal(UrgeOutcome.TicketOpened, Eligibility.Check(order, Xhs, Late.AddDays(1).AddTicks(1)));
    }

    [Fact]
    public void GivenApprovedDelayAndCustomCategory_WhenUrgedOnTaobao_ThenReportedDelayBeatsExcludedCategory()
    {
        var order = AnOrder() with { ApprovedDelayShipBy = Late.AddDays(1), CustomCategory = true };

        Assert.Equal("reported_delay_active", Eligibility.Check(order, Tb, Late).Reason);
    }

    [Theory]
    [InlineData("taobao")]
    [InlineData("tmall")]
    public void GivenCustomOrVirtualCategory_WhenUrgedOnTaobaoOrTmall_ThenExcludedCategory(string marketplace)
    {
        Assert.Equal("excluded_category", Eligibility.Check(AnOrder() with { CustomCategory = true }, Policy(marketplace), Late).Reason);
        Assert.Equal("excluded_category", Eligibility.Check(AnOrder() with { VirtualCategory = true }, Policy(marketplace), Late).Reason);
    }

    [Theory]
    [InlineData("xiaohongshu")]
    [InlineData("pinduoduo")]
    public void GivenCustomVirtualPresaleExempt_WhenUrgedOnXhsOrPdd_ThenTicketOpens(string marketplace)
    {
        var order = AnOrder() with { CustomCategory = true, VirtualCategory = true, Presale = Presale.Full, ExemptRegion = true };

        Assert.Equal(UrgeOutcome.TicketOpened, Eligibility.Check(order, Policy(marketplace), Late));
    }

    [Theory]
    [InlineData(Presale.Deposit)]
    [InlineData(Presale.Full)]
    public void GivenPresaleAndCustomCategory_WhenUrgedOnTaobao_ThenExcludedCategoryBeatsPresale(Presale presale)
    {
        Assert.Equal("excluded_category", Eligibility.Check(AnOrder() with { Presale = presale, CustomCategory = true }, Tb, Late).Reason);
        Assert.Equal("presale", Eligibility.Check(AnOrder() with { Presale = presale }, Tb, Late).Reason);
    }

    [Fact]
    public void GivenPresaleAndExemptRegion_WhenUrgedOnTmall_ThenPresaleBeatsExemptRegion()
    {
        var order = AnOrder() with { Presale = Presale.Deposit, ExemptRegion = true };

        Assert.Equal("presale", Eligibility.Check(order, MarketplacePolicies.Tmall2022, Late).Reason);
        Assert.Equal("exempt_region", Eligibility.Check(order with { Presale = Presale.None }, MarketplacePolicies.Tmall2022, Late).Reason);
    }

    [Fact]
    public void GivenNothingApplies_WhenUrgedLate_ThenTicketOpened()
    {
        var outcome = Eligibility.Check(AnOrder(), Tb, Late);

        Assert.Equal(UrgeResult.TicketOpened, outcome.Result);
        Assert.Equal("ticket_opened", outcome.Code);
        Assert.True(outcome.Opens);
    }

    [Fact]
    public void GivenOrderLinesSplitPerSku_WhenAllShippedAcrossLines_ThenAlreadyShipped()
    {
        var order = AnOrder(199m, new OrderLine("SKU-A", 1), new OrderLine("SKU-A", 1)) with { ShippedItems = [new OrderLine("SKU-A", 2)] };

        Assert.Equal("already_shipped", Eligibility.Check(order, Xhs, Late).Reason);
    }
}
