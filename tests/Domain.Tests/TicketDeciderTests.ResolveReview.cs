using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

/// <summary>ResolveReview: an operator clears the review flag, optionally cancelling compensation not yet settled.</summary>
public sealed partial class TicketDeciderTests
{
    private static readonly DateTimeOffset ProofArrivesAt = ReplyDue + Grace + TimeSpan.FromMinutes(1);

    private static readonly DateTimeOffset ReviewedAt = ReplyDue.AddHours(2);

    /// <summary>XHS lapse paid late-shipment compensation, then a shipment proving in-time action arrived: flagged.</summary>
    private static TicketState FlaggedWithPendingCompensation() =>
        Given(XhsLateCompensated(), new RecordShipment(AllItems(), ReplyDue.AddHours(-1), ProofArrivesAt));

    private static ResolveReview Resolve(bool cancel) => new(cancel, "ops@urge", "shipped in time; webhook was late", ReviewedAt);

    [Fact]
    public void GivenFlaggedTicket_WhenResolvedWithoutCancelling_ThenFlagClearedAndCompensationStillOwed()
    {
        var state = FlaggedWithPendingCompensation();
        Assert.True(state.NeedsReview);

        var events = When(state, Resolve(cancel: false));

        var after = Then(state, events);
        Assert.Equal(new ReviewResolved("ops@urge", "shipped in time; webhook was late", [], ReviewedAt), Assert.Single(events), ReviewResolvedComparer);
        Assert.False(after.NeedsReview);
        Assert.Empty(after.ReviewReasons);
        Assert.Contains(new WorkItem("late_shipment", WorkKind.SettleCompensation), after.PendingWork);
        Assert.Equal("pending", Assert.Single(after.Compensations).WireStatus());
    }

    [Fact]
    public void GivenFlaggedWithPendingCompensation_WhenResolvedCancellingIt_ThenCancelledNotPendingAndItsNoticeIsNotDelivered()
    {
        var state = FlaggedWithPendingCompensation();

        var events = When(state, Resolve(cancel: true));

        var after = Then(state, events);
        Assert.Equal(["late_shipment"], Assert.IsType<ReviewResolved>(Assert.Single(events)).CancelledCompensationKeys);
        var compensation = Assert.Single(after.Compensations);
        Assert.Equal(ReviewedAt, compensation.CancelledAt);
        Assert.Equal("cancelled", compensation.WireStatus());
        Assert.DoesNotContain(after.PendingWork, w => w.Kind == WorkKind.SettleCompensation);
        Assert.DoesNotContain(after.PendingWork, w => w.Key == NoticeTemplates.CompensationKey(CompensationKind.LateShipment));
        Assert.Equal(ReviewedAt, Assert.Single(after.Notices, n => n.Template == NoticeTemplates.CompensationGranted).CancelledAt);
        Assert.Null(Assert.Single(after.Notices, n => n.Key == NoticeTemplates.TicketOpenedKey).CancelledAt);
        Assert.Equal(TicketOutcome.LateShipmentCompensated, after.Outcome);
        Assert.Equal(Money.Zero, after.AutoCompensationTotal);
    }

    [Fact]
    public void GivenFlaggedWithSettledCompensation_WhenResolvedCancelling_ThenSettledMoneyIsNeverTouched()
    {
        var state = Given(FlaggedWithPendingCompensation(), new RecordCompensationSettled("late_shipment", ProofArrivesAt.AddMinutes(1)));

        var events = When(state, Resolve(cancel: true));

        var after = Then(state, events);
        Assert.Empty(Assert.IsType<ReviewResolved>(Assert.Single(events)).CancelledCompensationKeys);
        Assert.Equal("settled", Assert.Single(after.Compensations).WireStatus());
        Assert.Null(after.Compensations[0].CancelledAt);
        Assert.False(after.NeedsReview);
    }

    [Fact]
    public void GivenFailedCompensation_WhenResolvedCancelling_ThenCancelled_AndRetryIsRejected()
    {
        var state = Given(XhsCompensated(), new RecordWorkFailed("out_of_stock", "ledger rejected", ReplyAt.AddHours(1)));

        var after = Given(state, Resolve(cancel: true));

        Assert.Equal("cancelled", Assert.Single(after.Compensations).WireStatus());
        Assert.DoesNotContain(after.PendingWork, w => w.Kind == WorkKind.SettleCompensation);
        Assert.Equal("invalid_state", WhenRejected(after, new RetryWork("out_of_stock", "ops", "retry", ReviewedAt.AddHours(1))).Code);
    }

    [Fact]
    public void GivenCancelledCompensation_WhenSettlementArrivesAnyway_ThenSettledAndFlaggedForReview()
    {
        var state = Given(FlaggedWithPendingCompensation(), Resolve(cancel: true));

        var after = Then(state, When(state, new RecordCompensationSettled("late_shipment", ReviewedAt.AddMinutes(1))));

        Assert.Equal("settled", Assert.Single(after.Compensations).WireStatus());
        Assert.True(after.NeedsReview);
        Assert.Contains("settled_after_cancellation", after.ReviewReasons);
    }

    [Fact]
    public void GivenCancelledCompensation_WhenAPoisonReportArrives_ThenIgnoredAndNotFlaggedAgain()
    {
        var state = Given(FlaggedWithPendingCompensation(), Resolve(cancel: true));

        Assert.Equal("not_applicable_in_state", Ignored(When(state, new RecordWorkFailed("late_shipment", "late poison", ReviewedAt.AddMinutes(1)))));
    }

    [Fact]
    public void GivenCancelledLateShipmentCompensation_WhenXhsComplaintUpheld_ThenTheTopUpIsNotNettedAgainstMoneyNeverPaid()
    {
        var state = Given(FlaggedWithPendingCompensation(), Resolve(cancel: true));

        var after = Then(state, When(state, new ResolveComplaint(true, null, ReviewedAt.AddHours(1), ReviewedAt.AddHours(1))));

        Assert.Equal(Money.Of(59.70m), Assert.Single(after.Compensations, c => c.Kind == CompensationKind.Complaint).Amount);
    }

    [Fact]
    public void GivenNotFlagged_WhenResolved_ThenRejectedNotFlagged()
    {
        Assert.Equal("not_flagged", WhenRejected(Opened(Xhs), Resolve(cancel: true)).Code);
        Assert.Equal("not_flagged", WhenRejected(TicketState.Initial, Resolve(cancel: false)).Code);
        Assert.Equal("not_flagged", WhenRejected(Given(FlaggedWithPendingCompensation(), Resolve(cancel: false)), Resolve(cancel: true)).Code);
    }

    [Fact]
    public void GivenFlaggedTicket_WhenResolutionNamesNoOperatorOrNoWhy_ThenRejected()
    {
        Assert.Equal("operator_required", WhenRejected(FlaggedWithPendingCompensation(), new ResolveReview(true, "", "why", ReviewedAt)).Code);
        Assert.Equal("why_required", WhenRejected(FlaggedWithPendingCompensation(), new ResolveReview(true, "ops", "", ReviewedAt)).Code);
    }

    private static readonly EqualityComparer<TicketEvent> ReviewResolvedComparer = EqualityComparer<TicketEvent>.Create(
        (a, b) => a is ReviewResolved x && b is ReviewResolved y
                  && (x.Operator, x.Why, x.At) == (y.Operator, y.Why, y.At)
                  && x.CancelledCompensationKeys.SequenceEqual(y.CancelledCompensationKeys),
        e => e.At.GetHashCode());
}
