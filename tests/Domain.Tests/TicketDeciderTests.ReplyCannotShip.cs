using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed partial class TicketDeciderTests
{
    [Fact]
    public void GivenXhsAwaitingSellerReply_WhenSellerCannotShip_ThenOutOfStockCompensationAndCompleted()
    {
        var state = Opened(Xhs);

        var after = Then(state, When(state, new ReplyCannotShip("factory closed", "R-1", ReplyAt)));

        Assert.Equal(TicketStatus.Completed, after.Status);
        Assert.Equal(TicketOutcome.OutOfStockCompensated, after.Outcome);
        var compensation = Assert.Single(after.Compensations);
        Assert.Equal(new Compensation(CompensationKind.OutOfStock, Money.Of(9.95m), "out_of_stock", WorkStatus.Pending, ReplyAt, null), compensation);
        Assert.Contains(after.PendingWork, w => w == new WorkItem("out_of_stock", WorkKind.SettleCompensation));
    }

    [Fact]
    public void GivenXhsAwaitingSellerReply_WhenSellerCannotShip_ThenBuyerGetsTheReasonAndTheCompensation()
    {
        var state = Opened(Xhs);

        var after = Then(state, When(state, new ReplyCannotShip("factory closed", "R-1", ReplyAt)));

        var cards = after.Notices.Where(n => n.Audience == NoticeAudience.Buyer).ToList();
        Assert.Contains(cards, n => n.Template == NoticeTemplates.SellerCannotShip && n.Parameters["reason"] == "factory closed");
        Assert.Contains(cards, n => n.Template == NoticeTemplates.CompensationGranted && n.Parameters["amount"] == "9.95" && n.Parameters["kind"] == "out_of_stock");
    }

    [Theory]
    [MemberData(nameof(Escalating), MemberType = typeof(Fixtures))]
    public void GivenTaobaoTmallPddAwaitingSellerReply_WhenSellerCannotShip_ThenPlatformInterventionWithComplaintFiled(string marketplace)
    {
        var state = Opened(marketplace);

        var after = Then(state, When(state, new ReplyCannotShip("factory closed", "R-1", ReplyAt)));

        Assert.Equal(TicketStatus.PlatformIntervention, after.Status);
        Assert.Null(after.ActiveDeadline);
        Assert.Empty(after.Compensations);
        Assert.Equal("cannot_ship", after.EscalationReason);
        Assert.Contains(after.PendingWork, w => w.Kind == WorkKind.FileComplaint);
        Assert.Contains(after.Notices, n => n.Template == NoticeTemplates.SellerCannotShip);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \t")]
    public void GivenAwaitingSellerReply_WhenCannotShipWithoutReason_ThenRejectedReasonRequired(string reason)
    {
        Assert.Equal("reason_required", WhenRejected(Opened(Xhs), new ReplyCannotShip(reason, "R-1", ReplyAt)).Code);
    }
}
