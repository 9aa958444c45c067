using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

/// <summary>RecordCompensationSettled, RecordNoticeDelivered, RecordComplaintSubmitted, RecordWorkFailed, RetryWork.</summary>
public sealed partial class TicketDeciderTests
{
    private static TicketState XhsCompensated() => Given(Opened(Xhs), new ReplyCannotShip("no stock", "R-1", ReplyAt));

    [Fact]
    public void GivenPendingCompensation_WhenSettled_ThenSettledAndNoLongerPendingWork()
    {
        var state = XhsCompensated();
        var at = ReplyAt.AddMinutes(1);

        var after = Then(state, When(state, new RecordCompensationSettled("out_of_stock", at)));

        var compensation = Assert.Single(after.Compensations);
        Assert.Equal(WorkStatus.Done, compensation.Status);
        Assert.Equal(at, compensation.SettledAt);
        Assert.DoesNotContain(after.PendingWork, w => w.Kind == WorkKind.SettleCompensation);
        Assert.Equal(TicketOutcome.OutOfStockCompensated, after.Outcome);
    }

    [Fact]
    public void GivenSettledCompensation_WhenSettlementRedelivered_ThenIgnoredDuplicate()
    {
        var state = Given(XhsCompensated(), new RecordCompensationSettled("out_of_stock", ReplyAt.AddMinutes(1)));

        Assert.Equal("duplicate", Ignored(When(state, new RecordCompensationSettled("out_of_stock", ReplyAt.AddMinutes(2)))));
    }

    [Fact]
    public void GivenTicket_WhenUnknownCompensationSettled_ThenRejectedUnknownWorkItem()
    {
        Assert.Equal("unknown_work_item", WhenRejected(XhsCompensated(), new RecordCompensationSettled("complaint", ReplyAt)).Code);
    }

    [Fact]
    public void GivenPendingNotice_WhenDelivered_ThenDone()
    {
        var state = Opened(Xhs);

        var after = Then(state, When(state, new RecordNoticeDelivered("ticket_opened", ReplyAt)));

        Assert.Equal(WorkStatus.Done, Assert.Single(after.Notices).Status);
        Assert.Empty(after.PendingWork);
        Assert.Equal("duplicate", Ignored(When(after, new RecordNoticeDelivered("ticket_opened", ReplyAt))));
        Assert.Equal("unknown_work_item", WhenRejected(after, new RecordNoticeDelivered("nope", ReplyAt)).Code);
    }

    [Fact]
    public void GivenComplaintFilingPending_WhenSubmitted_ThenDone()
    {
        var state = InIntervention(Tb);

        var after = Then(state, When(state, new RecordComplaintSubmitted(TicketState.ComplaintFilingKey, ReplyDue.AddHours(1))));

        Assert.Equal(WorkStatus.Done, after.ComplaintFiling);
        Assert.Equal("duplicate", Ignored(When(after, new RecordComplaintSubmitted(TicketState.ComplaintFilingKey, ReplyDue.AddHours(2)))));
        Assert.Equal("unknown_work_item", WhenRejected(Opened(Xhs), new RecordComplaintSubmitted(TicketState.ComplaintFilingKey, ReplyAt)).Code);
    }

    [Fact]
    public void GivenPendingCompensation_WhenActivityIsPoisoned_ThenFailedNotPendingAndTicketFlagged()
    {
        var state = XhsCompensated();

        var after = Then(state, When(state, new RecordWorkFailed("out_of_stock", "ledger rejected", ReplyAt.AddHours(1))));

        Assert.Equal(WorkStatus.Failed, Assert.Single(after.Compensations).Status);
        Assert.DoesNotContain(after.PendingWork, w => w.Key == "out_of_stock");
        Assert.True(after.NeedsReview);
        Assert.Contains("work_failed:out_of_stock", after.ReviewReasons);
        Assert.Equal("duplicate", Ignored(When(after, new RecordWorkFailed("out_of_stock", "again", ReplyAt.AddHours(2)))));
    }

    [Fact]
    public void GivenFailedWork_WhenOperatorRetries_ThenPendingAgain()
    {
        var state = Given(XhsCompensated(), new RecordWorkFailed("out_of_stock", "ledger rejected", ReplyAt.AddHours(1)));

        var events = When(state, new RetryWork("out_of_stock", "ops@shop", "ledger fixed", ReplyAt.AddHours(2)));

        Assert.Equal(new WorkRetried("out_of_stock", "ops@shop", "ledger fixed", ReplyAt.AddHours(2)), Assert.Single(events));
        Assert.Contains(new WorkItem("out_of_stock", WorkKind.SettleCompensation), Then(state, events).PendingWork);
    }

    [Fact]
    public void GivenFailedWork_WhenSettlementArrivesAnyway_ThenSettled()
    {
        var state = Given(XhsCompensated(), new RecordWorkFailed("out_of_stock", "timeout", ReplyAt.AddHours(1)));

        var after = Then(state, When(state, new RecordCompensationSettled("out_of_stock", ReplyAt.AddHours(2))));

        Assert.Equal(WorkStatus.Done, Assert.Single(after.Compensations).Status);
    }

    [Fact]
    public void GivenPendingWork_WhenOperatorRetries_ThenRejectedInvalidState()
    {
        Assert.Equal("invalid_state", WhenRejected(XhsCompensated(), new RetryWork("out_of_stock", "ops", "why", ReplyAt)).Code);
    }

    [Fact]
    public void GivenFailedWork_WhenRetryNamesNoOperatorOrReason_ThenRejected()
    {
        var state = Given(XhsCompensated(), new RecordWorkFailed("out_of_stock", "x", ReplyAt.AddHours(1)));

        Assert.Equal("operator_required", WhenRejected(state, new RetryWork("out_of_stock", "", "why", ReplyAt)).Code);
        Assert.Equal("reason_required", WhenRejected(state, new RetryWork("out_of_stock", "ops", " ", ReplyAt)).Code);
        Assert.Equal("unknown_work_item", WhenRejected(state, new RetryWork("nope", "ops", "why", ReplyAt)).Code);
    }
}
