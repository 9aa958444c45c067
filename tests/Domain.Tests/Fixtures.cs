
namespace UrgeShipment.Domain.Tests;

/// <summary>A shared order, timeline and Given/When/Then helpers over the decider.</summary>
internal static class Fixtures
{
    public static readonly DateTimeOffset PaidAt = new(2025, 6, 1, 10, 0, 0, TimeSpan.FromHours(8));

    /// <summary>No promisedShipBy on the order: paid + 48 h.</summary>
    public static readonly DateTimeOffset PromisedShipBy = PaidAt.AddHours(48);

    /// <summary>The buyer urges an hour after the promised ship time.</summary>
    public static readonly DateTimeOffset UrgedAt = PromisedShipBy.AddHours(1);

    /// <summary>Reply deadline: urged + 24 h.</summary>
    public static readonly DateTimeOffset ReplyDue = UrgedAt.AddHours(24);

    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(120);

    public static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    public static MarketplacePolicy Xhs => MarketplacePolicies.Xhs2024;

    public static MarketplacePolicy Tb => MarketplacePolicies.Taobao2022;

    public static MarketplacePolicy Policy(string marketplace) =>
        MarketplacePolicies.Resolve(marketplace, UrgedAt) ?? throw new InvalidOperationException($"no policy for {marketplace}");

    public static TheoryData<string> Shipped => new() { "xiaohongshu", "taobao", "tmall", "pinduoduo" };

    public static TheoryData<string> Escalating => new() { "taobao", "tmall", "pinduoduo" };

    public static Order AnOrder(decimal paid = 199.00m, params OrderLine[] items) => new(
        OrderId: "O-1001",
        ShopId: "S-1",
        BuyerId: "B-1",
        PaidAmount: Money.Of(paid),
        PaidAt: PaidAt,
        PromisedShipBy: null,
        Items: items.Length > 0 ? items : [new OrderLine("SKU-A", 2), new OrderLine("SKU-B", 1)],
        ShippedItems: [],
        CustomCategory: false,
        VirtualCategory: false,
        Presale: Presale.None,
        ExemptRegion: false,
        ApprovedDelayShipBy: null,
        AfterSaleOpen: false);

    public static UrgeShipment Urge(MarketplacePolicy policy, Order? order = null, DateTimeOffset? at = null, DateTimeOffset? now = null) =>
        new(order ?? AnOrder(), policy, at ?? UrgedAt, now ?? at ?? UrgedAt);

    public static Shipment AllItems(string tracking = "SF1") => new("SF", tracking, [new OrderLine("SKU-A", 2), new OrderLine("SKU-B", 1)], false);

    public static Shipment Partial(string tracking = "SF1") => new("SF", tracking, [new OrderLine("SKU-A", 1)], false);

    /// <summary>Applies each command in turn; every one must be accepted.</summary>
    public static TicketState Given(params TicketCommand[] commands) => Given(TicketState.Initial, commands);

    public static TicketState Given(TicketState state, params TicketCommand[] commands)
    {
        foreach (var command in commands)
        {
            state = TicketDecider.Fold(state, When(state, command));
        }

        return state;
    }

    /// <summary>A ticket opened under <paramref name="policy"/> (awaiting_seller_reply).</summary>
    public static TicketState Opened(MarketplacePolicy policy, Order? order = null) => Given(Urge(policy, order));

    public static TicketState Opened(string marketplace) => Opened(Policy(marketplace));

    /// <summary>Awaiting seller execution: a delay reply an hour after opening, shipBy 3 days later.</summary>
    public static TicketState AwaitingExecution(MarketplacePolicy policy) =>
        Given(Opened(policy), new ReplyWithDelay(ShipByOf(), "R-1", UrgedAt.AddHours(1)));

    public static DateTimeOffset ShipByOf() => UrgedAt.AddHours(1).AddDays(3);

    /// <summary>Awaiting buyer confirmation: a negotiate reply an hour after opening; buyer deadline reply + 24 h.</summary>
    public static TicketState AwaitingBuyer(MarketplacePolicy policy) =>
        Given(Opened(policy), new ReplyWithPlan("ship the blue one instead", ["chat-screenshot-1.png"], "R-1", UrgedAt.AddHours(1)));

    public static DateTimeOffset BuyerDue => UrgedAt.AddHours(1).AddHours(24);

    /// <summary>Platform intervention after the reply window lapsed (escalating marketplaces).</summary>
    public static TicketState InIntervention(MarketplacePolicy policy) =>
        Given(Opened(policy), new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace));

    /// <summary>The events of an accepted decision (fails when refused).</summary>
    public static IReadOnlyList<TicketEvent> When(TicketState state, TicketCommand command)
    {
        var decision = TicketDecider.Decide(state, command);
        return decision is Decision.Accepted accepted
            ? accepted.Events
            : throw new Xunit.Sdk.XunitException($"expected {command.GetType().Name} to be accepted, got {decision}");
    }

    /// <summary>The refusal (fails when accepted).</summary>
    public static Decision.Rejected WhenRejected(TicketState state, TicketCommand command)
    {
        var decision = TicketDecider.Decide(state, command);
        return decision as Decision.Rejected
            ?? throw new Xunit.Sdk.XunitException($"expected {command.GetType().Name} to be rejected, got {decision}");
    }

    public static TicketState Then(TicketState state, IReadOnlyList<TicketEvent> events) => TicketDecider.Fold(state, events);

    /// <summary>The single ignore reason, asserting nothing else happened.</summary>
    public static string Ignored(IReadOnlyList<TicketEvent> events) =>
        Assert.IsType<EventIgnored>(Assert.Single(events)).Reason;
}
