using System.ComponentModel.DataAnnotations;
using Azure;
using Azure.Data.Tables;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Projections;

namespace UrgeShipment.Functions.Tickets;

public sealed class RetentionOptions
{
    /// <summary>How long a completed ticket is kept after completion. The shop ledger keeps its entries for good.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan CompletedTickets { get; set; } = TimeSpan.FromDays(180);
}

/// <summary>
/// Purges finished tickets past retention: the orchestration's instance and history (<c>PurgeInstanceAsync</c>), the
/// ticket table partition, its listing row and its outbox rows. Ledger entries stay (money records outlive tickets).
/// Never one that still owes money, has failed work or awaits review (its orchestration would not have finished; checked again).
/// </summary>
public sealed partial class TicketRetention(TicketTable tickets, TicketIndex index, TableServiceClient tables, StorageNames names,
    IOptions<RetentionOptions> options, TimeProvider clock, ILogger<TicketRetention> logger)
{
    public const string Schedule = "0 17 * * * *";

    [Function(nameof(TicketRetention))]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        await PurgeExpiredAsync(client, cancellationToken);

    public async Task<int> PurgeExpiredAsync(DurableTaskClient client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var cutoff = clock.GetUtcNow() - options.Value.CompletedTickets;
        var outbox = tables.GetTableClient(names.OutboxTable);
        var purged = 0;
        var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Completed], FetchInputsAndOutputs = true, PageSize = 100 };
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(ct))
        {
            if (instance.Name != nameof(TicketOrchestrator) || instance.SerializedOutput is null)
            {
                continue;
            }
            var state = instance.ReadOutputAs<TicketInput>()!.State;
            if (state.CompletedAt is not { } completedAt || completedAt > cutoff)
            {
                continue;
            }
            if (Owes(state))
            {
                LogKept(logger, instance.InstanceId);
                continue;
            }
            await client.PurgeInstanceAsync(instance.InstanceId, ct);
            await tickets.DeleteAsync(instance.InstanceId, ct);
            if (state.ShopId is not null)
            {
                await index.DeleteAsync(state.ShopId, instance.InstanceId, ct);
            }
            await foreach (var row in outbox.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {instance.InstanceId}"), select: ["PartitionKey", "RowKey"], cancellationToken: ct))
            {
                await outbox.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, ct);
            }
            purged++;
        }
        if (purged > 0)
        {
            LogPurged(logger, purged, cutoff);
        }
        return purged;
    }

    /// <summary>Money still owed (pending or failed settlement), failed work, or a review flag: the ticket is kept.</summary>
    public static bool Owes(TicketState state) => state.NeedsReview || state.PendingWork.Count > 0 || state.HasFailedWork;

    [LoggerMessage(LogLevel.Information, "Purged {Count} finished tickets completed before {Cutoff}.")]
    private static partial void LogPurged(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(LogLevel.Warning, "Ticket {TicketId} is past retention but still owes money, has failed work or awaits review: kept.")]
    private static partial void LogKept(ILogger logger, string ticketId);
}
