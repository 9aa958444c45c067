using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed partial class TicketDeciderTests
{
    [Theory]
    [MemberData(nameof(Shipped), MemberType = typeof(Fixtures))]
    public void GivenAwaitingSellerReply_WhenBuyerFilesComplaint_ThenPlatformIntervention(string marketplace)
    {
        var state = Opened(marketplace);

        var after = Then(state, When(state, new FileComplaint(ComplaintReason.LateShipment, ReplyAt, ReplyAt)));

        Assert.Equal(TicketStatus.PlatformIntervention, after.Status);
        Assert.Equal("complaint_filed", after.EscalationReason);
        Assert.Null(after.ComplaintFiling);
        Assert.Single(after.Complaints);
    }

    [Fact]
    public void GivenTaobaoEscalatedWithComplaintFilingPending_WhenComplaintFiledArrives_ThenFilingIsNoLongerPending()
    {
        var state = InIntervention(Tb);

        var after = Then(state, When(state, new FileComplaint(ComplaintReason.LateShipment, ReplyDue.AddHours(1), ReplyDue.AddHours(1))));

        Assert.Equal(WorkStatus.Done, after.ComplaintFiling);
        Assert.DoesNotContain(after.PendingWork, w => w.Kind == WorkKind.FileComplaint);
    }

    [Fact]
    public void GivenXhsCompleted_WhenComplaintFiled_ThenRecorded()
    {
        var state = Given(Opened(Xhs), new ReplyCannotShip("no stock", "R-1", ReplyAt));

        var events = When(state, new FileComplaint(ComplaintReason.OutOfStock, ReplyAt.AddHours(1), ReplyAt.AddHours(1)));

        Assert.IsType<ComplaintFiled>(Assert.Single(events));
        Assert.Equal(TicketOutcome.OutOfStockCompensated, Then(state, events).Outcome);
    }

    [Fact]
    public void GivenTaobaoCompleted_WhenComplaintFiled_ThenIgnoredTicketCompleted()
    {
        var state = Given(Opened(Tb), new RecordShipment(AllItems(), ReplyAt, ReplyAt));

        Assert.Equal("ticket_completed", Ignored(When(state, new FileComplaint(ComplaintReason.OutOfStock, ReplyAt.AddHours(1), ReplyAt.AddHours(1)))));
    }

    [Fact]
    public void GivenNoTicket_WhenComplaintFiled_ThenIgnoredNoTicket()
    {
        Assert.Equal("no_ticket", Ignored(When(TicketState.Initial, new FileComplaint(ComplaintReason.OutOfStock, ReplyAt, ReplyAt))));
    }

    [Fact]
    public void GivenComplaintFiled_WhenRedelivered_ThenIgnoredDuplicate()
    {
        var state = Given(Opened(Tb), new FileComplaint(ComplaintReason.OutOfStock, ReplyAt, ReplyAt));

        Assert.Equal("duplicate", Ignored(When(state, new FileComplaint(ComplaintReason.OutOfStock, ReplyAt, ReplyAt.AddMinutes(1)))));
    }

    [Fact]
    public void GivenPolicyWhereComplaintsDoNotEscalate_WhenComplaintFiledOnOpenTicket_ThenRecordedOnly()
    {
        var state = Opened(Xhs with { ComplaintEscalatesOpenTicket = false });

        var after = Then(state, When(state, new FileComplaint(ComplaintReason.OutOfStock, ReplyAt, ReplyAt)));

        Assert.Equal(TicketStatus.AwaitingSellerReply, after.Status);
        Assert.Single(after.Complaints);
    }
}
