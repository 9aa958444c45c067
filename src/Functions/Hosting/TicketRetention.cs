using Azure;
using Azure.Data.Tables;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Projections;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Hosting;

public sealed class RetentionOptions
{
    /// <summary>How long a completed ticket is kept after completion. The shop ledger keeps its entries for good.</summary>
    public TimeSpan CompletedTickets { get; set; } = TimeSpan.FromDays(180);

    /// <summary>How often the purge runs.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(6);
}

/// <summary>
/// Purges completed tickets past retention: the ticket stream, its listing row and its outbox rows.
/// Ledger entries stay (money records outlive tickets).
/// </summary>
public sealed partial class TicketRetention(TicketStore tickets, TableServiceClient tables, StorageNames names, Microsoft.Extensions.Options.IOptions<RetentionOptions> options,
    TimeProvider clock, ILogger<TicketRetention> logger) : BackgroundService
{
    public async Task<int> PurgeExpiredAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - options.Value.CompletedTickets;
        var index = tables.GetTableClient(names.TicketIndexTable);
        var outbox = tables.GetTableClient(names.OutboxTable);
        var purged = 0;
        await foreach (var snapshot in tickets.Runtime.ListInstancesAsync(ct))
        {
            var state = snapshot.State;
            if (state.Status != TicketStatus.Completed || state.CompletedAt is not { } completedAt || completedAt > cutoff)
            {
                continue;
            }
            await tickets.Runtime.PurgeAsync(snapshot.InstanceId, ct);
            if (state.ShopId is not null)
            {
                await DeleteIfExistsAsync(index, Keys.Escape(state.ShopId), snapshot.InstanceId, ct);
            }
            await foreach (var row in outbox.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {snapshot.InstanceId}"), select: ["PartitionKey", "RowKey"], cancellationToken: ct))
            {
                await DeleteIfExistsAsync(outbox, row.PartitionKey, row.RowKey, ct);
            }
            purged++;
        }
        if (purged > 0)
        {
            LogPurged(logger, purged, cutoff);
        }
        return purged;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PurgeExpiredAsync(stoppingToken);
            }
            catch (RequestFailedException e)
            {
                LogFailed(logger, e); // storage hiccup: the next sweep tries again; nothing is lost by waiting
            }
        }
    }

    private static async Task DeleteIfExistsAsync(TableClient table, string partitionKey, string rowKey, CancellationToken ct)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, ct);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // already gone: what we wanted
        }
    }

    [LoggerMessage(LogLevel.Information, "Purged {Count} completed tickets older than {Cutoff}.")]
    private static partial void LogPurged(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(LogLevel.Warning, "Ticket retention sweep failed; it will run again.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
