using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed class MarketplacePoliciesTests
{
    private const string Douyin = """
        {
          "marketplace": "douyin",
          "version": "DY-OPS-1",
          "effectiveFrom": "2025-01-01T00:00:00+08:00",
          "replyWindow": "PT12H",
          "buyerConfirmationWindow": "1.00:00:00",
          "maxDelay": "P3D",
          "defaultShipWindow": "PT72H",
          "afterSaleCompletion": "refund_completed",
          "replyLapse": "escalate",
          "shipByLapse": "compensate",
          "planRejection": "escalate",
          "cannotShip": "compensate",
          "excludeCustomCategory": true,
          "excludeVirtualCategory": false,
          "excludePresale": true,
          "honourExemptRegion": false,
          "autoCompensation": { "rate": 0.1, "min": "2.00", "max": "50.00" },
          "complaintCompensation": { "rate": 0.2, "min": 3, "max": "80.00" },
          "complaintNetOfAutoCompensation": true,
          "complaintAppliesAfterCompletion": false,
          "fileComplaintOnEscalation": true
        }
        """;

    [Fact]
    public void GivenADouyinPolicyAsData_WhenParsed_ThenEveryFieldIsRead_AndDefaultsAreTheRulesDefaults()
    {
        var policy = MarketplacePolicies.Parse(Douyin);

        Assert.Equal("douyin", policy.Marketplace);
        Assert.Equal("DY-OPS-1", policy.Version);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)), policy.EffectiveFrom);
        Assert.Equal(TimeSpan.FromHours(12), policy.ReplyWindow);
        Assert.Equal(TimeSpan.FromHours(24), policy.BuyerConfirmationWindow);
        Assert.Equal(TimeSpan.FromDays(3), policy.MaxDelay);
        Assert.Equal(TimeSpan.FromHours(72), policy.DefaultShipWindow);
        Assert.Equal(TimeSpan.FromSeconds(120), policy.LapseGrace);
        Assert.Equal(TimeSpan.FromSeconds(300), policy.MaxFutureSkew);
        Assert.Equal(AfterSaleCompletion.OnRefundCompleted, policy.AfterSaleCompletion);
        Assert.Equal(Consequence.Escalate, policy.ReplyLapse);
        Assert.Equal(Consequence.Compensate, policy.ShipByLapse);
        Assert.Equal(Consequence.Escalate, policy.PlanRejection);
        Assert.Equal(Consequence.Compensate, policy.CannotShip);
        Assert.True(policy.ExcludeCustomCategory);
        Assert.False(policy.ExcludeVirtualCategory);
        Assert.True(policy.ExcludePresale);
        Assert.False(policy.HonourExemptRegion);
        Assert.Equal(new CompensationScale(0.1m, Money.Of(2m), Money.Of(50m)), policy.AutoCompensation);
        Assert.Equal(new CompensationScale(0.2m, Money.Of(3m), Money.Of(80m)), policy.ComplaintCompensation);
        Assert.Equal([TimeSpan.FromHours(4), TimeSpan.FromHours(1)], policy.ReminderLeadTimes);
        Assert.Equal(10, policy.ReminderDailyCapPerAccount);
        Assert.True(policy.FileComplaintOnEscalation);
        Assert.True(policy.FlagInTimeProofAfterLapse);
    }

    [Fact]
    public void GivenAPolicyAsData_WhenMaxOperatorExtensionIsGivenOrNot_ThenItOrSevenDays()
    {
        Assert.Equal(TimeSpan.FromDays(7), MarketplacePolicies.Parse(Douyin).MaxOperatorExtension);
        Assert.Equal(TimeSpan.FromDays(7), MarketplacePolicies.Xhs2024.MaxOperatorExtension);
        var oneDay = MarketplacePolicies.Parse(Douyin.Replace("\"fileComplaintOnEscalation\": true", "\"fileComplaintOnEscalation\": true, \"maxOperatorExtension\": \"P1D\"", StringComparison.Ordinal));
        Assert.Equal(TimeSpan.FromDays(1), oneDay.MaxOperatorExtension);
    }

    [Fact]
    public void GivenADouyinPolicyAsData_WhenSuppliedAsExtra_ThenResolvedAndATicketRunsUnderIt()
    {
        var policy = MarketplacePolicies.Parse(Douyin);
        Assert.Null(MarketplacePolicies.Resolve("douyin", UrgedAt));
        var resolved = MarketplacePolicies.Resolve("douyin", UrgedAt, [policy])!;
        Assert.Equal(policy, resolved);

        var state = Opened(resolved, AnOrder(100.00m) with { PromisedShipBy = PaidAt.AddHours(48) });

        Assert.Equal(UrgedAt.AddHours(12), state.ReplyDeadline);
        var after = Given(state, new ReplyCannotShip("no stock", "R-1", UrgedAt.AddHours(1)));
        Assert.Equal(Money.Of(10.00m), Assert.Single(after.Compensations).Amount);
    }

    [Theory]
    [InlineData("\"replyWindow\": \"PT12H\"", "\"replyWindow\": \"soon\"", "replyWindow")]
    [InlineData("\"replyWindow\": \"PT12H\"", "\"replyWindow\": \"-PT1H\"", "replyWindow")]
    [InlineData("\"replyWindow\": \"PT12H\",", "", "replyWindow")]
    [InlineData("\"maxDelay\": \"P3D\"", "\"maxDelay\": 5", "maxDelay")]
    [InlineData("\"replyLapse\": \"escalate\"", "\"replyLapse\": \"shrug\"", "replyLapse")]
    [InlineData("\"afterSaleCompletion\": \"refund_completed\"", "\"afterSaleCompletion\": \"never\"", "afterSaleCompletion")]
    [InlineData("\"effectiveFrom\": \"2025-01-01T00:00:00+08:00\"", "\"effectiveFrom\": \"yesterday\"", "effectiveFrom")]
    [InlineData("\"marketplace\": \"douyin\"", "\"marketplace\": \"\"", "marketplace")]
    [InlineData("\"excludePresale\": true", "\"excludePresale\": \"yes\"", "excludePresale")]
    [InlineData("\"rate\": 0.1", "\"rate\": 1.5", "autoCompensation.rate")]
    [InlineData("\"min\": \"2.00\"", "\"min\": \"2.001\"", "autoCompensation.min")]
    [InlineData("\"min\": \"2.00\"", "\"min\": \"60.00\"", "autoCompensation.min")]
    [InlineData("\"max\": \"80.00\"", "\"max\": \"-1.00\"", "complaintCompensation.max")]
    [InlineData("\"fileComplaintOnEscalation\": true", "\"fileComplaintOnEscalation\": true, \"replyWindw\": \"PT1H\"", "replyWindw")]
    [InlineData("\"min\": \"2.00\", ", "", "autoCompensation.min")]
    [InlineData("\"rate\": 0.1,", "\"rate\": 0.1, \"floor\": 1,", "autoCompensation.floor")]
    [InlineData("\"autoCompensation\": { \"rate\": 0.1, \"min\": \"2.00\", \"max\": \"50.00\" }", "\"autoCompensation\": 5", "autoCompensation")]
    [InlineData("\"min\": 3,", "\"min\": -3,", "complaintCompensation.min")]
    [InlineData("\"fileComplaintOnEscalation\": true", "\"fileComplaintOnEscalation\": true, \"reminderLeadTimes\": [\"PT1H\", \"PT0S\"]", "reminderLeadTimes[1]")]
    [InlineData("\"fileComplaintOnEscalation\": true", "\"fileComplaintOnEscalation\": true, \"reminderLeadTimes\": \"PT1H\"", "reminderLeadTimes")]
    [InlineData("\"fileComplaintOnEscalation\": true", "\"fileComplaintOnEscalation\": true, \"lapseGrace\": \"-PT1S\"", "lapseGrace")]
    [InlineData("\"fileComplaintOnEscalation\": true", "\"fileComplaintOnEscalation\": true, \"localUtcOffset\": \"noon\"", "localUtcOffset")]
    [InlineData("\"fileComplaintOnEscalation\": true", "\"fileComplaintOnEscalation\": true, \"reminderDailyCapPerAccount\": -1", "reminderDailyCapPerAccount")]
    [InlineData("\"fileComplaintOnEscalation\": true", "\"fileComplaintOnEscalation\": true, \"onTimeRateThreshold\": 2", "onTimeRateThreshold")]
    [InlineData(",\n  \"fileComplaintOnEscalation\": true", "", "fileComplaintOnEscalation")]
    [InlineData("\"version\": \"DY-OPS-1\"", "\"version\": null", "version")]
    public void GivenAPolicyWithABadField_WhenParsed_ThenTheErrorNamesTheField(string good, string bad, string field)
    {
        var json = Douyin.Replace(good, bad, StringComparison.Ordinal);
        Assert.NotEqual(Douyin, json);

        var result = MarketplacePolicies.TryParse(json);
        var thrown = Assert.Throws<ArgumentException>(() => MarketplacePolicies.Parse(json));

        Assert.Null(result.Policy);
        Assert.Equal(field, result.Field);
        Assert.Contains($"'{field}'", thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"replyWindow\": \"PT12H\"", "\"replyWindow\": \"soon\"", "'soon' is not a duration (ISO-8601 \"PT24H\" or \"d.hh:mm:ss\")")]
    [InlineData("\"replyWindow\": \"PT12H\"", "\"replyWindow\": \"PT0S\"", "must be positive")]
    [InlineData("\"replyWindow\": \"PT12H\",", "", "is required")]
    [InlineData("\"replyLapse\": \"escalate\"", "\"replyLapse\": \"Escalate\"", "must be one of \"compensate\", \"escalate\"")]
    [InlineData("\"min\": \"2.00\"", "\"min\": \"+2.00\"", "must be an amount ≥ 0 with at most two decimals, e.g. \"5.00\"")]
    [InlineData("\"min\": \"2.00\"", "\"min\": \"60.00\"", "must not be above max")]
    [InlineData("\"fileComplaintOnEscalation\": true", "\"fileComplaintOnEscalation\": true, \"replyWindw\": \"PT1H\"", "is not a policy field")]
    public void GivenAPolicyWithABadField_WhenParsed_ThenTheErrorSaysWhy(string good, string bad, string error)
    {
        var json = Douyin.Replace(good, bad, StringComparison.Ordinal);
        Assert.NotEqual(Douyin, json);

        Assert.Equal(error, MarketplacePolicies.TryParse(json).Error);
    }

    [Fact]
    public void GivenABadValueAndMissingFields_WhenParsed_ThenTheBadValueIsNamed()
    {
        var result = MarketplacePolicies.TryParse("""{ "marketplace": "douyin", "version": "X", "effectiveFrom": "2026-01-01T00:00:00+08:00", "replyWindow": "soon" }""");

        Assert.Equal("replyWindow", result.Field);
        Assert.Equal("buyerConfirmationWindow", MarketplacePolicies.TryParse("""{ "marketplace": "douyin", "version": "X", "effectiveFrom": "2026-01-01T00:00:00+08:00", "replyWindow": "PT1H" }""").Field);
    }

    [Fact]
    public void GivenOptionalFieldsNull_WhenParsed_ThenTheirDefaults()
    {
        var policy = MarketplacePolicies.Parse(Douyin.Replace(
            "\"fileComplaintOnEscalation\": true", "\"fileComplaintOnEscalation\": true, \"lapseGrace\": null, \"localUtcOffset\": \"+09:00\"", StringComparison.Ordinal));

        Assert.Equal(TimeSpan.FromSeconds(120), policy.LapseGrace);
        Assert.Equal(TimeSpan.FromHours(9), policy.LocalUtcOffset);
    }

    [Fact]
    public void GivenNotJson_WhenParsed_ThenRefused()
    {
        Assert.Equal("$", MarketplacePolicies.TryParse("{ nope").Field);
        Assert.Equal("$", MarketplacePolicies.TryParse("[]").Field);
    }

    [Theory]
    [InlineData("xiaohongshu", "XHS-2024")]
    [InlineData("taobao", "TB-2022")]
    [InlineData("tmall", "TMALL-2022")]
    [InlineData("pinduoduo", "PDD-2022")]
    public void GivenBuiltIns_WhenResolvedToday_ThenTheDefaultVersion(string marketplace, string version)
    {
        Assert.Equal(version, MarketplacePolicies.Resolve(marketplace, UrgedAt)!.Version);
    }

    [Theory]
    [InlineData("douyin")]
    [InlineData("kuaishou")]
    [InlineData("jd")]
    [InlineData("wechat_shop")]
    public void GivenMarketplacesWithoutPublishedNumbers_WhenResolved_ThenNoBuiltInPolicy(string marketplace)
    {
        Assert.Null(MarketplacePolicies.Resolve(marketplace, UrgedAt));
    }

    [Fact]
    public void GivenXhsDelayShippedUnscheduled_WhenResolvedAnyTime_ThenNeverChosenUntilAnOperatorDatesIt()
    {
        Assert.Equal("XHS-2024", MarketplacePolicies.Resolve("xiaohongshu", new DateTimeOffset(9000, 1, 1, 0, 0, 0, TimeSpan.Zero))!.Version);

        var dated = MarketplacePolicies.XhsDelay with { EffectiveFrom = UrgedAt };
        Assert.Equal("XHS-2024", MarketplacePolicies.Resolve("xiaohongshu", UrgedAt - Tick, [dated])!.Version);
        Assert.Equal("XHS-DELAY", MarketplacePolicies.Resolve("xiaohongshu", UrgedAt, [dated])!.Version);
    }

    [Fact]
    public void GivenBuiltIns_WhenInspected_ThenTheRulesNumbers()
    {
        var xhs = MarketplacePolicies.Xhs2024;
        Assert.Equal(TimeSpan.FromHours(24), xhs.ReplyWindow);
        Assert.Equal(TimeSpan.FromHours(24), xhs.BuyerConfirmationWindow);
        Assert.Equal(TimeSpan.FromDays(5), xhs.MaxDelay);
        Assert.Equal(TimeSpan.FromHours(48), xhs.DefaultShipWindow);
        Assert.Equal(TimeSpan.FromSeconds(120), xhs.LapseGrace);
        Assert.Equal(TimeSpan.FromSeconds(300), xhs.MaxFutureSkew);
        Assert.Equal(AfterSaleCompletion.OnOpened, xhs.AfterSaleCompletion);
        Assert.Equal(new CompensationScale(0.05m, Money.Of(5m), Money.Of(100m)), xhs.AutoCompensation);
        Assert.Equal(new CompensationScale(0.30m, Money.Of(5m), Money.Of(100m)), xhs.ComplaintCompensation);
        Assert.Equal(new CompensationScale(0.05m, Money.Of(1m), Money.Of(30m)), MarketplacePolicies.XhsDelay.AutoCompensation);
        Assert.Equal([TimeSpan.FromHours(4), TimeSpan.FromHours(1)], xhs.ReminderLeadTimes);
        Assert.Equal(10, xhs.ReminderDailyCapPerAccount);
        Assert.Equal((2, 4, TimeSpan.FromDays(30)), (xhs.FirstViolationPoints, xhs.RepeatViolationPoints, xhs.RepeatViolationWindow));
        Assert.All(MarketplacePolicies.BuiltIn, p => Assert.Equal(TimeSpan.FromHours(48), p.DefaultShipWindow));
        Assert.All([MarketplacePolicies.Taobao2022, MarketplacePolicies.Tmall2022, MarketplacePolicies.Pinduoduo2022], p =>
        {
            Assert.Equal(AfterSaleCompletion.OnRefundCompleted, p.AfterSaleCompletion);
            Assert.Equal(Consequence.Escalate, p.ReplyLapse);
        });
    }
}
