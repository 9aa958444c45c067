using System.Collections.Concurrent;
using System.Globalization;
using Azure.Data.Tables;
using UrgeShipment.Domain;
using UrgeShipment.Durable;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Projections;

public sealed record LedgerEntry(string TicketId, string Marketplace, string OrderId, string BuyerId, string Kind, string Amount, string Currency,
    string Status, DateTimeOffset AssessedAt, DateTimeOffset? SettledAt, string Debit, string Credit, string IdempotencyKey);

public sealed record LedgerTotal(string Key, string Amount, int Count);

public sealed record LedgerView(string ShopId, string Currency, string Total, string Settled, string Pending,
    IReadOnlyList<LedgerTotal> ByKind, IReadOnlyList<LedgerTotal> ByMonth, IReadOnlyList<LedgerEntry> Entries);

/// <summary>
/// The shop ledger: one entry per compensation (debit the shop, credit the buyer), derived from the tickets'
/// compensations and so reconciling with them exactly. Entries survive ticket retention.
/// </summary>
public sealed class ShopLedger(TableServiceClient tables, StorageNames names) : IProjection<TicketState>
{
    private readonly TableClient _table = tables.GetTableClient(names.LedgerTable);
    private readonly ConcurrentDictionary<string, string> _written = new(StringComparer.Ordinal);

    public async Task ProjectAsync(string instanceId, long version, TicketState state, CancellationToken cancellationToken)
    {
        if (state.Order is null || state.Policy is null)
        {
            return;
        }
        foreach (var compensation in state.Compensations)
        {
            var rowKey = instanceId + "|" + compensation.IdempotencyKey;
            var fingerprint = $"{TicketViews.MoneyStatus(compensation)}|{compensation.Amount}";
            if (_written.TryGetValue(rowKey, out var seen) && seen == fingerprint)
            {
                continue;
            }
            var entity = new TableEntity(Keys.Escape(state.Order.ShopId), Keys.Escape(rowKey))
            {
                ["TicketId"] = instanceId,
                ["Marketplace"] = state.Policy.Marketplace,
                ["OrderId"] = state.Order.OrderId,
                ["BuyerId"] = state.Order.BuyerId,
                ["Kind"] = compensation.Kind.WireName(),
                ["Amount"] = compensation.Amount.ToString(),
                ["Status"] = TicketViews.MoneyStatus(compensation),
                ["AssessedAt"] = compensation.AssessedAt,
                ["SettledAt"] = compensation.SettledAt,
                ["IdempotencyKey"] = instanceId + ":" + compensation.IdempotencyKey,
                ["Version"] = version,
            };
            await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
            _written[rowKey] = fingerprint;
        }
    }

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
        static decimal Sum(IEnumerable<LedgerEntry> es) => es.Sum(e => decimal.Parse(e.Amount, CultureInfo.InvariantCulture));
        static string Text(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
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
