using Azure.Data.Tables;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Marketplaces;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Projections;

public sealed record StandingEntry(string TicketId, string Marketplace, int Points, DateTimeOffset At, string Reason);

public sealed record StandingView(string ShopId, int TotalPoints, IReadOnlyDictionary<string, int> PointsByMarketplace, IReadOnlyList<StandingEntry> Entries);

/// <summary>
/// Shop standing (XHS-DELAY): violation points over the shop's tickets that ended in compensation, per marketplace
/// policy (2 for the first, 4 for each further one within 30 days of the previous), computed by the domain's pure
/// <see cref="ShopStanding"/> from the tickets themselves, so an upheld appeal reverses its points.
/// </summary>
public sealed class ShopStandingReader(TableServiceClient tables, StorageNames names, MarketplaceCatalog catalog, TimeProvider clock)
{
    private readonly TableClient _index = tables.GetTableClient(names.TicketIndexTable);

    /// <summary>One query over the shop's listing rows that carry a violation (the ticket index keeps when each ticket was compensated).</summary>
    public async Task<StandingView> ReadAsync(string shopId, CancellationToken ct)
    {
        var violations = new List<(string Marketplace, CompensatedTicket Ticket)>();
        await foreach (var row in _index.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Escape(shopId)}"),
            select: ["RowKey", "Marketplace", "CompensatedAt", "AppealUpheld"], cancellationToken: ct))
        {
            if (row.GetDateTimeOffset("CompensatedAt") is { } compensatedAt)
            {
                violations.Add((row.GetString("Marketplace"), new CompensatedTicket(row.RowKey, compensatedAt, row.GetBoolean("AppealUpheld") ?? false)));
            }
        }
        var entries = new List<StandingEntry>();
        foreach (var group in violations.GroupBy(v => v.Marketplace, StringComparer.Ordinal))
        {
            var policy = catalog.PolicyAt(group.Key, clock.GetUtcNow()) ?? throw new InvalidOperationException($"No policy for {group.Key}.");
            entries.AddRange(ShopStanding.ViolationPoints(group.Select(v => v.Ticket), policy)
                .Select(e => new StandingEntry(e.TicketId, group.Key, e.Points, ShopTime.Show(e.At), e.Reason)));
        }
        entries.Sort((a, b) => a.At.CompareTo(b.At));
        return new StandingView(shopId, entries.Sum(e => e.Points),
            entries.GroupBy(e => e.Marketplace, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(e => e.Points), StringComparer.Ordinal),
            entries);
    }
}
