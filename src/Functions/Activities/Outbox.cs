using System.Text.Json;
using Azure.Data.Tables;
using UrgeShipment.Durable;
using UrgeShipment.Functions.Projections;

namespace UrgeShipment.Functions.Activities;

public sealed record OutboxMessage(string Key, string Channel, string Audience, string Template, string Payload, DateTimeOffset SentAt);

/// <summary>
/// The default delivery for notices and complaint filings: an outbox table per ticket, one row per idempotency key
/// (a redelivered activity overwrites its own row, so it is recorded once). Readable at
/// <c>GET /api/tickets/{id}/notifications</c> and drained by whatever sends chat cards.
/// </summary>
public sealed class Outbox(TableServiceClient tables, StorageNames names, TimeProvider clock)
{
    private readonly TableClient _table = tables.GetTableClient(names.OutboxTable);

    public async Task<string> WriteAsync(ActivityContext context, string channel, CancellationToken ct)
    {
        using var payload = JsonDocument.Parse(context.Request.Payload);
        var notice = payload.RootElement.TryGetProperty("notice", out var n) && n.ValueKind == JsonValueKind.Object ? n : default;
        var entity = new TableEntity(context.InstanceId, Keys.Escape(context.Request.IdempotencyKey))
        {
            ["Channel"] = channel,
            ["Audience"] = notice.ValueKind == JsonValueKind.Object && notice.TryGetProperty("audience", out var a) ? a.GetString() : "platform",
            ["Template"] = notice.ValueKind == JsonValueKind.Object && notice.TryGetProperty("template", out var t) ? t.GetString() : context.Request.Name,
            ["Payload"] = context.Request.Payload,
            ["SentAt"] = clock.GetUtcNow(),
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct);
        return "recorded";
    }

    public async Task<IReadOnlyList<OutboxMessage>> ReadAsync(string ticketId, CancellationToken ct)
    {
        var messages = new List<OutboxMessage>();
        await foreach (var e in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ticketId}"), cancellationToken: ct))
        {
            messages.Add(new OutboxMessage(e.RowKey, e.GetString("Channel"), e.GetString("Audience"), e.GetString("Template"), e.GetString("Payload"),
                e.GetDateTimeOffset("SentAt") ?? DateTimeOffset.MinValue));
        }
        return messages;
    }

    public Task EnsureCreatedAsync(CancellationToken ct) => _table.CreateIfNotExistsAsync(ct);
}

/// <summary>Delivers a queued notice (buyer chat card or seller notice).</summary>
public sealed class NoticeDelivery(Outbox outbox) : IActivityHandler
{
    public string Name => "DeliverNotice";

    public Task<string> RunAsync(ActivityContext context, CancellationToken cancellationToken) => outbox.WriteAsync(context, "chat", cancellationToken);
}

/// <summary>Files a complaint on the buyer's behalf with the marketplace (TB-2022); recorded in the outbox for the platform.</summary>
public sealed class ComplaintFiling(Outbox outbox) : IActivityHandler
{
    public string Name => "FileComplaint";

    public Task<string> RunAsync(ActivityContext context, CancellationToken cancellationToken) => outbox.WriteAsync(context, "platform", cancellationToken);
}

/// <summary>
/// Settles a compensation. The default gateway records it: the ticket then marks it settled and the
/// ledger projection shows the debit (shop) and credit (buyer).
/// </summary>
public sealed class CompensationSettlement : IActivityHandler
{
    public string Name => "SettleCompensation";

    public Task<string> RunAsync(ActivityContext context, CancellationToken cancellationToken) => Task.FromResult("settled");
}
