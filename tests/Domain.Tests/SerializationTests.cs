using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed class SerializationTests
{
    private static TicketState Busy(out List<TicketEvent> history)
    {
        history = [];
        var state = TicketState.Initial;
        TicketCommand[] commands =
        [
            Urge(Xhs),
            new RecordShipment(Partial(), UrgedAt.AddMinutes(5), UrgedAt.AddMinutes(5)),
            new ReplyWithPlan("two parcels", ["a.png", "b.png"], "R-1", UrgedAt.AddHours(1)),
            new RejectPlan(UrgedAt.AddHours(2), UrgedAt.AddHours(2)),
            new RecordWorkFailed("out_of_stock", "ledger down", UrgedAt.AddHours(3)),
            new ResolveComplaint(true, null, UrgedAt.AddHours(4), UrgedAt.AddHours(4)),
            new RecordNoticeDelivered("ticket_opened", UrgedAt.AddHours(5)),
            new ResolveReview(true, "ops", "ledger will not take it", UrgedAt.AddHours(6)),
        ];
        foreach (var command in commands)
        {
            var events = When(state, command);
            history.AddRange(events);
            state = TicketDecider.Fold(state, events);
        }

        return state;
    }

    [Fact]
    public void GivenATicketState_WhenSerializedAndRead_ThenItRoundTrips()
    {
        var state = Busy(out _);

        var json = Json.Write(state);
        var read = Json.Read<TicketState>(json);

        Assert.Equal(json, Json.Write(read));
        Assert.Contains("\"amount\":9.95", json, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenTheEventHistory_WhenSerializedReadAndFolded_ThenTheSameState()
    {
        var state = Busy(out var history);

        var read = Json.Read<List<TicketEvent>>(Json.Write(history));

        Assert.Equal(Json.Write(state), Json.Write(TicketDecider.Fold(read)));
    }

    [Fact]
    public void GivenEveryCommandType_WhenSerializedAndRead_ThenEqualValues()
    {
        TicketCommand[] commands =
        [
            Urge(Xhs),
            new RecordShipment(AllItems(), UrgedAt, UrgedAt),
            new OpenAfterSale(AfterSaleKind.ReturnRefund, UrgedAt, UrgedAt),
            new CompleteRefund(UrgedAt, UrgedAt),
            new ReportDelay(ReplyDue, UrgedAt, UrgedAt),
            new ReplyWithDelay(ReplyDue, "R", UrgedAt),
            new ReplyWithPlan("p", ["e"], "R", UrgedAt),
            new ReplyCannotShip("r", "R", UrgedAt),
            new AcceptPlan(UrgedAt, UrgedAt),
            new RejectPlan(UrgedAt, UrgedAt),
            new FileComplaint(ComplaintReason.LateShipment, UrgedAt, UrgedAt),
            new ResolveComplaint(true, Money.Of(1.5m), UrgedAt, UrgedAt),
            new LapseDeadline(DeadlineKind.ShipBy, UrgedAt, UrgedAt),
            new RecordCompensationSettled("k", UrgedAt),
            new RecordNoticeDelivered("k", UrgedAt),
            new RecordComplaintSubmitted("k", UrgedAt),
            new RecordWorkFailed("k", "f", UrgedAt),
            new RetryWork("k", "o", "w", UrgedAt),
            new ExtendDeadline(TimeSpan.FromHours(6), "o", "w", UrgedAt),
            new PauseClock("o", "w", UrgedAt),
            new ResumeClock("o", "w", UrgedAt),
            new ResolveReview(true, "o", "w", UrgedAt),
            new ForceComplete("o", "w", UrgedAt),
            new RemindSeller("reminder:reply:1:3600", UrgedAt),
        ];

        foreach (var command in commands)
        {
            var json = Json.Write<TicketCommand>(command);
            Assert.Equal(json, Json.Write(Json.Read<TicketCommand>(json)));
        }
    }

    [Fact]
    public void GivenBuiltInPolicies_WhenSerializedAndRead_ThenEqual()
    {
        foreach (var policy in MarketplacePolicies.BuiltIn)
        {
            var json = Json.Write(policy);
            Assert.Equal(json, Json.Write(Json.Read<MarketplacePolicy>(json)));
        }
    }

    [Fact]
    public void GivenWireNames_WhenAsked_ThenSnakeCaseAsInTheApi()
    {
        Assert.Equal("awaiting_seller_reply", TicketStatus.AwaitingSellerReply.WireName());
        Assert.Equal("platform_intervention", TicketStatus.PlatformIntervention.WireName());
        Assert.Equal("buyer_confirmation_timed_out", TicketOutcome.BuyerConfirmationTimedOut.WireName());
        Assert.Equal("out_of_stock_compensated", TicketOutcome.OutOfStockCompensated.WireName());
        Assert.Equal("shipped", TicketOutcome.Shipped.WireName());
        Assert.Equal("out_of_stock", CompensationKind.OutOfStock.WireName());
        Assert.Equal("buyer_confirmation", DeadlineKind.BuyerConfirmation.WireName());
        Assert.Equal("ship_by", DeadlineKind.ShipBy.WireName());
        Assert.Equal("reply", DeadlineKind.Reply.WireName());
        Assert.Equal("cannot_ship", ReplyKind.CannotShip.WireName());
        Assert.Equal("no_ticket", UrgeResult.NoTicket.WireName());
        foreach (var status in Enum.GetValues<TicketStatus>())
        {
            Assert.Matches("^[a-z_]+$", status.WireName());
        }

        foreach (var outcome in Enum.GetValues<TicketOutcome>())
        {
            Assert.Matches("^[a-z_]+$", outcome.WireName());
        }
    }
}
