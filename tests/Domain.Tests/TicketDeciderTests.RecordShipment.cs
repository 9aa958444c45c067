using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed partial class TicketDeciderTests
{
    [Theory]
    [MemberData(nameof(Shipped), MemberType = typeof(Fixtures))]
    public void GivenAwaitingSellerReply_WhenAllItemsShipped_ThenCompletedShipped(string marketplace)
    {
        var state = Opened(marketplace);

        var after = Then(state, When(state, new RecordShipment(AllItems(), UrgedAt.AddHours(2), UrgedAt.AddHours(2))));

        Assert.Equal(TicketStatus.Completed, after.Status);
        Assert.Equal(TicketOutcome.Shipped, after.Outcome);
        Assert.Null(after.ActiveDeadline);
        Assert.Empty(after.Compensations);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenPartialShipment_ThenNothingChanges()
    {
        var state = Opened(Xhs);

        var after = Then(state, When(state, new RecordShipment(Partial(), UrgedAt.AddHours(2), UrgedAt.AddHours(2))));

        Assert.Equal(TicketStatus.AwaitingSellerReply, after.Status);
        Assert.Equal(state.ActiveDeadline, after.ActiveDeadline);
        Assert.Equal(1, after.ShippedQuantities["SKU-A"]);
        Assert.Equal(["SKU-A"], after.ShippedSkus);
    }

    [Fact]
    public void GivenPartialShipments_WhenCumulativeQuantitiesCoverTheOrder_ThenCompletedShipped()
    {
        var state = Given(Opened(Xhs),
            new RecordShipment(Partial("SF1"), UrgedAt.AddHours(2), UrgedAt.AddHours(2)),
            new RecordShipment(new Shipment("SF", "SF2", [new OrderLine("SKU-A", 1)], false), UrgedAt.AddHours(3), UrgedAt.AddHours(3)));
        Assert.Equal(TicketStatus.AwaitingSellerReply, state.Status);

        var after = Then(state, When(state, new RecordShipment(new Shipment("YTO", "Y1", [new OrderLine("SKU-B", 1)], false), UrgedAt.AddHours(4), UrgedAt.AddHours(4))));

        Assert.Equal(TicketOutcome.Shipped, after.Outcome);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenAShipmentIsMarkedComplete_ThenCompletedShipped()
    {
        var state = Opened(Tb);

        var after = Then(state, When(state, new RecordShipment(Partial() with { Complete = true }, UrgedAt.AddHours(2), UrgedAt.AddHours(2))));

        Assert.Equal(TicketOutcome.Shipped, after.Outcome);
    }

    [Fact]
    public void GivenAShipment_WhenTheSameTrackingNumberIsRedelivered_ThenIgnoredDuplicateAndNotCountedTwice()
    {
        var state = Given(Opened(Xhs), new RecordShipment(Partial(), UrgedAt.AddHours(2), UrgedAt.AddHours(2)));

        var events = When(state, new RecordShipment(Partial(), UrgedAt.AddHours(2), UrgedAt.AddHours(3)));

        Assert.Equal("duplicate", Ignored(events));
        Assert.Equal(1, Then(state, events).ShippedQuantities["SKU-A"]);
    }

    [Theory]
    [MemberData(nameof(Shipped), MemberType = typeof(Fixtures))]
    public void GivenAwaitingSellerExecution_WhenAllItemsShippedByShipBy_ThenCompletedShipped(string marketplace)
    {
        var state = AwaitingExecution(Policy(marketplace));

        var after = Then(state, When(state, new RecordShipment(AllItems(), ShipByOf(), ShipByOf().AddMinutes(1))));

        Assert.Equal(TicketOutcome.Shipped, after.Outcome);
    }

    [Fact]
    public void GivenAwaitingBuyerConfirmation_WhenAllItemsShippedFirst_ThenCompletedShipped()
    {
        var state = AwaitingBuyer(Xhs);

        var after = Then(state, When(state, new RecordShipment(AllItems(), UrgedAt.AddHours(5), UrgedAt.AddHours(5))));

        Assert.Equal(TicketOutcome.Shipped, after.Outcome);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenShipmentOccurredExactlyAtReplyDeadlineButArrivesInGrace_ThenCompletedShipped()
    {
        var state = Opened(Xhs);

        var after = Then(state, When(state, new RecordShipment(AllItems(), ReplyDue, ReplyDue + Grace - Tick)));

        Assert.Equal(TicketOutcome.Shipped, after.Outcome);
    }

    [Fact]
    public void GivenAwaitingSellerReply_WhenShipmentOccurredOneTickAfterDeadline_ThenRecordedAndTheLapseDecides()
    {
        var state = Opened(Xhs);

        state = Then(state, When(state, new RecordShipment(AllItems(), ReplyDue + Tick, ReplyDue + Tick)));
        Assert.Equal(TicketStatus.AwaitingSellerReply, state.Status);

        state = Given(state, new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace));
        Assert.Equal(TicketOutcome.LateShipmentCompensated, state.Outcome);
    }

    [Fact]
    public void GivenLenientPolicy_WhenShipmentOccurredAfterDeadlineBeforeLapse_ThenCompletedShipped()
    {
        var state = Opened(Xhs with { LateFactsAwaitLapse = false });

        var after = Then(state, When(state, new RecordShipment(AllItems(), ReplyDue + Tick, ReplyDue + Tick)));

        Assert.Equal(TicketOutcome.Shipped, after.Outcome);
    }

    [Fact]
    public void GivenLapseCommitted_WhenShipmentProvingInTimeArrives_ThenRecordedAndFlaggedNeedsReviewAndLapseStands()
    {
        var state = Given(Opened(Xhs), new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace));
        Assert.Equal(TicketOutcome.LateShipmentCompensated, state.Outcome);

        var events = When(state, new RecordShipment(AllItems(), ReplyDue, ReplyDue + TimeSpan.FromMinutes(10)));

        var after = Then(state, events);
        Assert.Contains(events, e => e is ShipmentRecorded);
        Assert.True(after.NeedsReview);
        Assert.Contains("in_time_shipment_after_lapse", after.ReviewReasons);
        Assert.Equal(TicketOutcome.LateShipmentCompensated, after.Outcome);
        Assert.Single(after.Compensations);
    }

    [Fact]
    public void GivenTaobaoLapseCommitted_WhenInTimeShipmentArrives_ThenFlaggedButStillInIntervention()
    {
        var state = InIntervention(Tb);

        var after = Then(state, When(state, new RecordShipment(AllItems(), ReplyDue.AddMinutes(-1), ReplyDue.AddMinutes(5))));

        Assert.Equal(TicketStatus.PlatformIntervention, after.Status);
        Assert.True(after.NeedsReview);
    }

    [Fact]
    public void GivenPlatformIntervention_WhenLateShipmentArrives_ThenRecordedWithoutEffect()
    {
        var state = InIntervention(Tb);

        var events = When(state, new RecordShipment(AllItems(), ReplyDue.AddHours(1), ReplyDue.AddHours(1)));

        var after = Then(state, events);
        Assert.IsType<ShipmentRecorded>(Assert.Single(events));
        Assert.Equal(TicketStatus.PlatformIntervention, after.Status);
        Assert.False(after.NeedsReview);
    }

    [Fact]
    public void GivenCompleted_WhenShipmentArrives_ThenIgnoredTicketCompleted()
    {
        var state = Given(Opened(Xhs), new RecordShipment(AllItems(), UrgedAt.AddHours(1), UrgedAt.AddHours(1)));

        var events = When(state, new RecordShipment(AllItems("SF9"), UrgedAt.AddHours(2), UrgedAt.AddHours(2)));

        Assert.Equal("ticket_completed", Ignored(events));
    }

    [Fact]
    public void GivenNoTicket_WhenShipmentArrives_ThenIgnoredNoTicket()
    {
        Assert.Equal("no_ticket", Ignored(When(TicketState.Initial, new RecordShipment(AllItems(), UrgedAt, UrgedAt))));
    }

    [Fact]
    public void GivenTicket_WhenShipmentNamesASkuNotOnTheOrder_ThenRejectedUnknownSku()
    {
        var rejected = WhenRejected(Opened(Xhs), new RecordShipment(new Shipment("SF", "X", [new OrderLine("SKU-Z", 1)], false), UrgedAt, UrgedAt));

        Assert.Equal("unknown_sku", rejected.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void GivenTicket_WhenShipmentQuantityIsNotPositive_ThenRejectedInvalidQuantity(int qty)
    {
        var rejected = WhenRejected(Opened(Xhs), new RecordShipment(new Shipment("SF", "X", [new OrderLine("SKU-A", qty)], false), UrgedAt, UrgedAt));

        Assert.Equal("invalid_quantity", rejected.Code);
    }

    [Fact]
    public void GivenTicket_WhenShipmentOccurredExactly300SecondsAhead_ThenAccepted_And301Rejected()
    {
        var now = UrgedAt.AddHours(1);
        var state = Opened(Xhs);

        Assert.IsType<Decision.Accepted>(TicketDecider.Decide(state, new RecordShipment(Partial(), now.AddSeconds(300), now)));
        Assert.Equal("occurred_in_future", WhenRejected(state, new RecordShipment(Partial(), now.AddSeconds(301), now)).Code);
    }
}
