using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed partial class TicketDeciderTests
{
    [Theory]
    [MemberData(nameof(Shipped), MemberType = typeof(Fixtures))]
    public void GivenAwaitingSellerReply_WhenSellerNegotiatesWithPlanAndEvidence_ThenAwaitingBuyerConfirmationFor24Hours(string marketplace)
    {
        var state = Opened(marketplace);

        var after = Then(state, When(state, new ReplyWithPlan("two parcels", ["eva-chat.png"], "R-1", ReplyAt)));

        Assert.Equal(TicketStatus.AwaitingBuyerConfirmation, after.Status);
        Assert.Equal(ReplyAt.AddHours(24), after.BuyerConfirmationDeadline);
        Assert.Equal(new ActiveDeadline(DeadlineKind.BuyerConfirmation, ReplyAt.AddHours(24), ReplyAt.AddHours(24) + Grace), after.ActiveDeadline);
        Assert.Equal(ReplyKind.Negotiate, after.Reply!.Kind);
        Assert.Equal("two parcels", after.Reply.Plan);
        Assert.Equal(["eva-chat.png"], after.Reply.Evidence);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenSellerNegotiates_ThenBuyerGetsThePlan()
    {
        var state = Opened(Xhs);

        var after = Then(state, When(state, new ReplyWithPlan("two parcels", ["eva-chat.png"], "R-1", ReplyAt)));

        var card = Assert.Single(after.Notices, n => n.Audience == NoticeAudience.Buyer);
        Assert.Equal(NoticeTemplates.SellerPlanNegotiate, card.Template);
        Assert.Equal("two parcels", card.Parameters["plan"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void GivenAwaitingSellerReply_WhenPlanIsEmpty_ThenRejectedPlanRequired(string plan)
    {
        Assert.Equal("plan_required", WhenRejected(Opened(Xhs), new ReplyWithPlan(plan, ["e.png"], "R-1", ReplyAt)).Code);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenNoEvidence_ThenRejectedEvidenceRequired()
    {
        Assert.Equal("evidence_required", WhenRejected(Opened(Xhs), new ReplyWithPlan("plan", [], "R-1", ReplyAt)).Code);
        Assert.Equal("evidence_required", WhenRejected(Opened(Xhs), new ReplyWithPlan("plan", ["  "], "R-1", ReplyAt)).Code);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenNegotiatingAfterDeadline_ThenRejectedReplyWindowClosed()
    {
        Assert.Equal("reply_window_closed", WhenRejected(Opened(Xhs), new ReplyWithPlan("plan", ["e"], "R-1", ReplyDue.AddSeconds(1))).Code);
    }
}
