using System.Globalization;
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

    /// <summary>API.md's names, written out as the hand-written switches had them: every member of every wire enum.</summary>
    public static TheoryData<Enum, string> ApiNames => new()
    {
        { TicketStatus.None, "none" },
        { TicketStatus.AwaitingSellerReply, "awaiting_seller_reply" },
        { TicketStatus.AwaitingSellerExecution, "awaiting_seller_execution" },
        { TicketStatus.AwaitingBuyerConfirmation, "awaiting_buyer_confirmation" },
        { TicketStatus.PlatformIntervention, "platform_intervention" },
        { TicketStatus.Completed, "completed" },
        { TicketOutcome.Shipped, "shipped" },
        { TicketOutcome.AfterSale, "after_sale" },
        { TicketOutcome.BuyerAccepted, "buyer_accepted" },
        { TicketOutcome.BuyerConfirmationTimedOut, "buyer_confirmation_timed_out" },
        { TicketOutcome.OutOfStockCompensated, "out_of_stock_compensated" },
        { TicketOutcome.LateShipmentCompensated, "late_shipment_compensated" },
        { TicketOutcome.ComplaintUpheld, "complaint_upheld" },
        { TicketOutcome.ComplaintRejected, "complaint_rejected" },
        { TicketOutcome.ForceCompleted, "force_completed" },
        { CompensationKind.OutOfStock, "out_of_stock" },
        { CompensationKind.LateShipment, "late_shipment" },
        { CompensationKind.Complaint, "complaint" },
        { DeadlineKind.Reply, "reply" },
        { DeadlineKind.BuyerConfirmation, "buyer_confirmation" },
        { DeadlineKind.ShipBy, "ship_by" },
        { WorkStatus.Pending, "pending" },
        { WorkStatus.Done, "done" },
        { WorkStatus.Failed, "failed" },
        { ReplyKind.Delay, "delay" },
        { ReplyKind.Negotiate, "negotiate" },
        { ReplyKind.CannotShip, "cannot_ship" },
        { Presale.None, "none" },
        { Presale.Deposit, "deposit" },
        { Presale.Full, "full" },
        { AfterSaleKind.Refund, "refund" },
        { AfterSaleKind.ReturnRefund, "return_refund" },
        { ComplaintReason.OutOfStock, "out_of_stock" },
        { ComplaintReason.LateShipment, "late_shipment" },
        { UrgeResult.TicketOpened, "ticket_opened" },
        { UrgeResult.TicketExists, "ticket_exists" },
        { UrgeResult.NoTicket, "no_ticket" },
        { ForceMajeure.Disaster, "disaster" },
        { ForceMajeure.PolicyControl, "policy_control" },
        { ForceMajeure.PlatformOutage, "platform_outage" },
        { WorkKind.SettleCompensation, "settle_compensation" },
        { WorkKind.DeliverNotice, "deliver_notice" },
        { WorkKind.FileComplaint, "file_complaint" },
    };

    private static readonly Type[] WireEnums =
    [
        typeof(TicketStatus), typeof(TicketOutcome), typeof(CompensationKind), typeof(DeadlineKind), typeof(WorkStatus), typeof(ReplyKind),
        typeof(Presale), typeof(AfterSaleKind), typeof(ComplaintReason), typeof(UrgeResult), typeof(ForceMajeure), typeof(WorkKind),
    ];

    [Theory]
    [MemberData(nameof(ApiNames))]
    public void GivenAWireEnumMember_WhenNamed_ThenTheApiName_AndTheNameParsesBackToIt(Enum member, string api)
    {
        var named = (string)typeof(WireNames).GetMethod(nameof(WireNames.WireName))!.MakeGenericMethod(member.GetType()).Invoke(null, [member])!;
        Assert.Equal(api, named);
        Assert.Equal(api, System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(member.ToString()));

        var parse = typeof(WireNames).GetMethod(nameof(WireNames.TryParseWire))!.MakeGenericMethod(member.GetType());
        object?[] args = [api, null];
        Assert.True((bool)parse.Invoke(null, args)!);
        Assert.Equal(member, args[1]);
        foreach (var other in new[] { member.ToString(), api.ToUpperInvariant(), Convert.ToInt32(member, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture), api + " ", "" })
        {
            object?[] refused = [other, null];
            Assert.False((bool)parse.Invoke(null, refused)!, $"'{other}' parsed as {member.GetType().Name}");
        }
    }

    [Fact]
    public void GivenTheWireEnums_WhenTheirMembersAreListed_ThenEachHasItsApiNameInTheTable()
    {
        var listed = ApiNames.Select(row => (Enum)row[0]).ToHashSet();
        var members = WireEnums.SelectMany(type => Enum.GetValues(type).Cast<Enum>()).ToList();

        Assert.Equal(43, members.Count);
        Assert.All(members, member => Assert.Contains(member, listed));
        Assert.Equal(["delay", "negotiate", "cannot_ship"], WireNames.Names<ReplyKind>());
    }
}
