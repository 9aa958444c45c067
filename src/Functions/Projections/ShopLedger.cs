using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Activities;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Projections;

public sealed record LedgerEntry(string TicketId, string Marketplace, string OrderId, string BuyerId, string Kind, string Amount, string Currency,
    string Status, DateTimeOffset AssessedAt, DateTimeOffset? SettledAt, string Debit, string Credit, string IdempotencyKey);

public sealed record LedgerTotal(string Key, string Amount, int Count);

public sealed record LedgerView(string ShopId, string Currency, string Total, string Settled, string Pending,
    IReadOnlyList<LedgerTotal> ByKind, IReadOnlyList<LedgerTotal> ByMonth, IReadOnlyList<LedgerEntry> Entries);

/// <summary>
/// The shop ledger, the book of record for compensation: one row per compensation under its idempotency key (debit the
/// shop, credit the buyer). The ticket's transitions add it as pending (insert-if-absent) and mark it reversed or
/// cancelled while unsettled; only the settlement activity marks it settled, once. Rows survive ticket retention.
/// </summary>
public sealed class ShopLedger(TableServiceClient tables, StorageNames names)
{
    private const int Attempts = 8;
    private readonly TableClient _table = tables.GetTableClient(names.LedgerTable);
    private readonly ConcurrentDictionary<string, string> _written = new(StringComparer.Ordinal);

    /// <summary>Adds the ticket's new compensations as pending and marks unsettled ones reversed or cancelled.</summary>
    public async Task ProjectAsync(string ticketId, TicketState state, CancellationToken ct)
    {
        if (state.Order is null || state.Policy is null)
        {
            return;
        }
        foreach (var compensation in state.Compensations)
        {
            var status = TicketViews.MoneyStatus(compensation);
            if (status == "settled")
            {
                continue; // written by the settlement itself
            }
            var key = WorkOrders.IdempotencyKey(ticketId, compensation.IdempotencyKey);
            if (_written.TryGetValue(key, out var seen) && seen == status)
            {
                continue;
            }
            var order = new CompensationOrder(key, ticketId, state.Policy.Marketplace,
                state.Order.ShopId, state.Order.OrderId, state.Order.BuyerId, compensation.Kind.WireName(), compensation.Amount.ToString(),
                Money.Currency, compensation.AssessedAt);
            await WriteAsync(order, status, settledAt: null, ct);
            if (_written.Count > 50_000)
            {
                _written.Clear();
            }
            _written[key] = status;
        }
    }

    /// <summary>Records the settlement of <paramref name="order"/>: once, whatever is redelivered, retried or raced.</summary>
    public Task RecordSettlementAsync(CompensationOrder order, DateTimeOffset settledAt, CancellationToken ct) =>
        WriteAsync(order, "settled", settledAt, ct);

    /// <summary>
    /// Insert if absent; otherwise move an unsettled row to <paramref name="status"/> under its ETag. A settled row never
    /// changes. Conflicts are read again; any other failure throws (the activity retries).
    /// </summary>
    private async Task WriteAsync(CompensationOrder order, string status, DateTimeOffset? settledAt, CancellationToken ct)
    {
        var partition = Keys.Escape(order.ShopId);
        var rowKey = Keys.Escape(order.IdempotencyKey);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: ct);
            try
            {
                if (!existing.HasValue)
                {
                    await _table.AddEntityAsync(Row(order, partition, rowKey, status, settledAt), ct);
                    return;
                }
                var row = existing.Value!;
                var current = row.GetString("Status");
                if (current == "settled" || current == status)
                {
                    return;
                }
                await _table.UpdateEntityAsync(Row(order, partition, rowKey, status, settledAt), row.ETag, TableUpdateMode.Replace, ct);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // another writer got there first: read again
            }
        }
        throw new InvalidOperationException($"Ledger row {order.IdempotencyKey} kept conflicting; the activity will retry.");
    }

    private static TableEntity Row(CompensationOrder order, string partition, string rowKey, string status, DateTimeOffset? settledAt) => new(partition, rowKey)
    {
        ["TicketId"] = order.TicketId,
        ["Marketplace"] = order.Marketplace,
        ["OrderId"] = order.OrderId,
        ["BuyerId"] = order.BuyerId,
        ["Kind"] = order.Kind,
        ["Amount"] = order.Amount,
        ["Status"] = status,
        ["AssessedAt"] = order.AssessedAt,
        ["SettledAt"] = settledAt,
        ["IdempotencyKey"] = order.IdempotencyKey,
    };

    public async Task<LedgerView> ReadAsync(string shopId, CancellationToken ct)
    {
        var entries = new List<LedgerEntry>();
        await foreach (var e in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Escape(shopId)}"), cancellationToken: ct))
        {
            entries.Add(new LedgerEntry(e.GetString("TicketId"), e.GetString("Marketplace"), e.GetString("OrderId"), e.GetString("BuyerId"),
                e.GetString("Kind"), e.GetString("Amount"), "CNY", e.GetString("Status"), ShopTime.Show(e.GetDateTimeOffset("AssessedAt")!.Value),
                ShopTime.Show(e.GetDateTimeOffset("SettledAt")), "shop:" + shopId, "buyer:" + e.GetString("BuyerId"), e.GetString("IdempotencyKey")));
        }
        entries.Sort((a, b) => a.AssessedAt.CompareTo(b.AssessedAt));
        static Money Sum(IEnumerable<LedgerEntry> es) =>
            es.Aggregate(Money.Zero, (sum, e) => sum + (Money.TryParse(e.Amount) ?? throw new InvalidDataException($"Ledger amount '{e.Amount}' is not an amount.")));
        static string Text(Money amount) => amount.ToString();
        // Totals count money paid or owed; reversed (appeal) and cancelled (operator) entries are listed but owe nothing.
        var live = entries.Where(e => e.Status is "settled" or "pending").ToList();
        return new LedgerView(shopId, "CNY",
            Text(Sum(live)),
            Text(Sum(live.Where(e => e.Status == "settled"))),
            Text(Sum(live.Where(e => e.Status == "pending"))),
            [.. live.GroupBy(e => e.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new LedgerTotal(g.Key, Text(Sum(g)), g.Count()))],
            [.. live.GroupBy(e => e.AssessedAt.ToString("yyyy-MM", CultureInfo.InvariantCulture)).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new LedgerTotal(g.Key, Text(Sum(g)), g.Count()))],
            entries);
    }

    public Task EnsureCreatedAsync(CancellationToken ct) => _table.CreateIfNotExistsAsync(ct);
}
