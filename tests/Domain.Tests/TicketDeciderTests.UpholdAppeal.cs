using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed partial class TicketDeciderTests
{
    /// <summary>XHS late-shipment compensation assessed at ReplyDue + grace (Wednesday 2025-06-04 11:02 +08:00).</summary>
    private static TicketState XhsLateCompensated() => Given(Opened(Xhs), new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace));

    private static readonly DateTimeOffset ViolationAt = ReplyDue + Grace;

    [Fact]
    public void GivenUnsettledLateShipmentCompensation_WhenAppealUpheldInTime_ThenCompensationReversedAndNoLongerPending()
    {
        var state = XhsLateCompensated();
        var at = ViolationAt.AddDays(2);

        var after = Then(state, When(state, new UpholdAppeal(ForceMajeure.Disaster, ["flood-notice.pdf"], at, "ops@platform", at)));

        var compensation = Assert.Single(after.Compensations);
        Assert.Equal(at, compensation.ReversedAt);
        Assert.Equal("reversed", compensation.WireStatus());
        Assert.DoesNotContain(after.PendingWork, w => w.Kind == WorkKind.SettleCompensation);
        Assert.Equal(TicketOutcome.LateShipmentCompensated, after.Outcome);
        Assert.Equal(0, ShopStanding.TotalPoints([ShopStanding.Violation("T1", after)!], Xhs));
    }

    [Fact]
    public void GivenSettledCompensation_WhenAppealUpheld_ThenTheSettledCompensationStands()
    {
        var state = Given(XhsLateCompensated(), new RecordCompensationSettled("late_shipment", ViolationAt.AddMinutes(1)));
        var at = ViolationAt.AddDays(1);

        var after = Then(state, When(state, new UpholdAppeal(ForceMajeure.PlatformOutage, ["status-page.png"], at, "ops", at)));

        Assert.Null(Assert.Single(after.Compensations).ReversedAt);
        Assert.Equal("settled", after.Compensations[0].WireStatus());
        Assert.NotNull(after.AppealUpheldAt);
    }

    [Fact]
    public void GivenViolationOnAWednesday_WhenAppealFiledAtTheEndOfTheSeventhWorkingDay_ThenInTime_AndOneTickLaterRefused()
    {
        var deadline = Appeals.Deadline(ViolationAt, Xhs);
        Assert.Equal(new DateTimeOffset(2025, 6, 13, 23, 59, 59, TimeSpan.FromHours(8)).AddTicks(9_999_999), deadline);
        var state = XhsLateCompensated();
        var now = deadline.AddHours(1);

        Assert.IsType<Decision.Accepted>(TicketDecider.Decide(state, new UpholdAppeal(ForceMajeure.PolicyControl, ["notice.pdf"], deadline, "ops", now)));
        Assert.Equal("appeal_window_closed", WhenRejected(state, new UpholdAppeal(ForceMajeure.PolicyControl, ["notice.pdf"], deadline + Tick, "ops", now)).Code);
    }

    [Fact]
    public void GivenAnAppeal_WhenItHasNoEvidence_ThenRejectedEvidenceRequired()
    {
        Assert.Equal("evidence_required", WhenRejected(XhsLateCompensated(), new UpholdAppeal(ForceMajeure.Disaster, [], ViolationAt, "ops", ViolationAt)).Code);
    }

    [Fact]
    public void GivenNoAutoCompensation_WhenAppealUpheld_ThenRejectedInvalidState()
    {
        Assert.Equal("invalid_state", WhenRejected(Opened(Xhs), new UpholdAppeal(ForceMajeure.Disaster, ["x"], ReplyAt, "ops", ReplyAt)).Code);
        Assert.Equal("no_ticket", WhenRejected(TicketState.Initial, new UpholdAppeal(ForceMajeure.Disaster, ["x"], ReplyAt, "ops", ReplyAt)).Code);
    }

    [Fact]
    public void GivenXhsCannotShip_WhenAppealUpheld_ThenOutOfStockCompensationStands()
    {
        var state = XhsCompensated();

        var after = Then(state, When(state, new UpholdAppeal(ForceMajeure.Disaster, ["x"], ReplyAt, "ops", ReplyAt.AddMinutes(1))));

        Assert.Null(Assert.Single(after.Compensations).ReversedAt);
    }

    [Fact]
    public void GivenReversedCompensation_WhenSettlementArrivesAnyway_ThenSettledAndFlaggedForReview()
    {
        var at = ViolationAt.AddDays(1);
        var state = Given(XhsLateCompensated(), new UpholdAppeal(ForceMajeure.Disaster, ["x"], at, "ops", at));

        var after = Then(state, When(state, new RecordCompensationSettled("late_shipment", at.AddMinutes(1))));

        Assert.Equal(WorkStatus.Done, after.Compensations[0].Status);
        Assert.Contains("settled_after_reversal", after.ReviewReasons);
    }

    [Fact]
    public void GivenAppealUpheld_WhenRedelivered_ThenIgnoredDuplicate()
    {
        var at = ViolationAt.AddDays(1);
        var state = Given(XhsLateCompensated(), new UpholdAppeal(ForceMajeure.Disaster, ["x"], at, "ops", at));

        Assert.Equal("duplicate", Ignored(When(state, new UpholdAppeal(ForceMajeure.Disaster, ["x"], at, "ops", at.AddMinutes(1)))));
    }
}
