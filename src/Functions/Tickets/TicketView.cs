using System.Text.Json;
using System.Text.Json.Nodes;
using UrgeShipment.Domain;

namespace UrgeShipment.Functions.Tickets;

public sealed record DeadlinesView(DateTimeOffset? Reply, DateTimeOffset? BuyerConfirmation, DateTimeOffset? ShipBy);

public sealed record ActiveDeadlineView(string Kind, DateTimeOffset DueAt, DateTimeOffset LapsesAt);

public sealed record ReplyView(string Kind, DateTimeOffset At, DateTimeOffset? ShipBy, string? Plan, IReadOnlyList<string>? Evidence, string? Reason);

public sealed record CompensationView(string Kind, string Amount, string Currency, string Status, DateTimeOffset AssessedAt, DateTimeOffset? SettledAt, string IdempotencyKey);

/// <summary>An effect the ticket owes (settlement, notice, complaint filing) and how far it got: pending, settled (done) or failed (poisoned).</summary>
public sealed record WorkView(string Key, string Kind, string Status);

public sealed record OrderLineView(string Sku, int Qty);

public sealed record OrderView(string OrderId, string BuyerId, string PaidAmount, string Currency, DateTimeOffset PaidAt, DateTimeOffset? PromisedShipBy,
    IReadOnlyList<OrderLineView> Items);

public sealed record NoticeView(string Key, string Audience, string Template, IReadOnlyDictionary<string, string> Parameters, string Status, DateTimeOffset QueuedAt);

/// <summary>The ticket view of API.md (plus order facts, notices and review reasons for the dashboard).</summary>
public sealed record TicketView(
    string TicketId, string Marketplace, string ShopId, string OrderId, string State, DateTimeOffset? OpenedAt, string PolicyVersion,
    DeadlinesView Deadlines, ActiveDeadlineView? ActiveDeadline, ReplyView? Reply, string? Outcome, DateTimeOffset? CompletedAt,
    IReadOnlyList<CompensationView> Compensations, int? ViolationPoints, bool NeedsReview, IReadOnlyList<string> ReviewReasons, DateTimeOffset? PausedAt,
    OrderView Order, IReadOnlyList<NoticeView> Notices, IReadOnlyList<WorkView> Work, long Version, IReadOnlyList<JsonObject> History);

public static class TicketViews
{
    private static readonly JsonSerializerOptions Web = CreateWeb();

    /// <summary>The ticket view with its full history, from the ticket table; null when there is no ticket (an order with only urges has none).</summary>
    public static async Task<TicketView?> ReadAsync(TicketTable tickets, string ticketId, CancellationToken ct) =>
        await tickets.ReadWithHistoryAsync(ticketId, ct) is { Ticket.State.Status: not TicketStatus.None } found
            ? From(ticketId, found.Ticket.Version, found.Ticket.State, found.History)
            : null;

    public static TicketView From(string ticketId, long version, TicketState state, IEnumerable<RecordedEvent> history, int? violationPoints = null)
    {
        var order = state.Order ?? throw new InvalidOperationException("A ticket view needs an opened ticket.");
        var policy = state.Policy ?? throw new InvalidOperationException("A ticket view needs the ticket's policy.");
        return new TicketView(
            ticketId, policy.Marketplace, order.ShopId, order.OrderId, state.Status.WireName(), ShopTime.Show(state.OpenedAt), policy.Version,
            new DeadlinesView(ShopTime.Show(state.ReplyDeadline), ShopTime.Show(state.BuyerConfirmationDeadline), ShopTime.Show(state.ShipByDeadline)),
            state.ActiveDeadline is { } d ? new ActiveDeadlineView(d.Kind.WireName(), ShopTime.Show(d.DueAt), ShopTime.Show(d.LapsesAt)) : null,
            state.Reply is { } r ? ReplyOf(r) : null,
            state.Outcome?.WireName(),
            ShopTime.Show(state.CompletedAt),
            [.. state.Compensations.Select(c => new CompensationView(c.Kind.WireName(), c.Amount.ToString(), "CNY", MoneyStatus(c),
                ShopTime.Show(c.AssessedAt), ShopTime.Show(c.SettledAt), ticketId + ":" + c.IdempotencyKey))],
            violationPoints,
            state.NeedsReview,
            state.ReviewReasons,
            ShopTime.Show(state.PausedAt),
            new OrderView(order.OrderId, order.BuyerId, order.PaidAmount.ToString(), "CNY", ShopTime.Show(order.PaidAt), ShopTime.Show(order.PromisedShipBy),
                [.. order.Items.Select(i => new OrderLineView(i.Sku, i.Qty))]),
            [.. state.Notices.Select(n => new NoticeView(n.Key, n.Audience.WireName(), n.Template, n.Parameters, n.Status == WorkStatus.Done ? "delivered" : Status(n.Status), ShopTime.Show(n.QueuedAt)))],
            WorkOf(state),
            version,
            [.. history.Select(HistoryEntry)]);
    }

    /// <summary>
    /// API.md's money states are pending and settled; a failed (poisoned) settlement is still owed, so it shows as
    /// pending (the failure is in <c>work</c>). Reversed (upheld appeal) and cancelled (operator) are shown as such.
    /// </summary>
    public static string MoneyStatus(Compensation compensation) => compensation.WireStatus() switch
    {
        "failed" => "pending",
        var status => status,
    };

    /// <summary>A work item: pending, done, or failed (poisoned; an operator may retry it).</summary>
    public static string Status(WorkStatus status) => status.WireName();

    private static WorkView[] WorkOf(TicketState state) =>
    [
        .. state.Compensations.Select(c => new WorkView(c.IdempotencyKey, WorkKind.SettleCompensation.WireName(), Status(c.Status))),
        .. state.Notices.Select(n => new WorkView(n.Key, WorkKind.DeliverNotice.WireName(), Status(n.Status))),
        .. state.ComplaintFiling is { } filing ? [new WorkView(TicketState.ComplaintFilingKey, WorkKind.FileComplaint.WireName(), Status(filing))] : Array.Empty<WorkView>(),
    ];

    private static ReplyView ReplyOf(SellerReply reply) =>
        new(reply.Kind.WireName(), ShopTime.Show(reply.At), ShopTime.Show(reply.ShipBy), reply.Plan, reply.Evidence, reply.Reason);

    /// <summary>One history entry: <c>{ at, type, version, ...the event's own fields }</c>, type in snake_case.</summary>
    public static JsonObject HistoryEntry(RecordedEvent stored)
    {
        var body = JsonSerializer.SerializeToNode(stored.Event, stored.Event.GetType(), Web)!.AsObject();
        body.Remove("at");
        var entry = new JsonObject
        {
            ["at"] = JsonValue.Create(ShopTime.Show(stored.Event.At)),
            ["type"] = SnakeCase(stored.Event.GetType().Name),
            ["version"] = stored.Version,
            ["recordedAt"] = JsonValue.Create(ShopTime.Show(stored.RecordedAt)),
        };
        foreach (var (name, value) in body.ToList())
        {
            body.Remove(name);
            entry[name] = value;
        }
        return entry;
    }

    public static string SnakeCase(string name) => WireNames.Policy.ConvertName(name);

    private static JsonSerializerOptions CreateWeb()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new MoneyJsonConverter());
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(WireNames.Policy));
        return options;
    }
}

/// <summary>Money on the wire: a string with two decimals.</summary>
public sealed class MoneyJsonConverter : System.Text.Json.Serialization.JsonConverter<Money>
{
    public override Money Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Money.TryParse(reader.GetString()) ?? throw new JsonException("Money must be a string amount like \"199.00\".");

    public override void Write(Utf8JsonWriter writer, Money value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
