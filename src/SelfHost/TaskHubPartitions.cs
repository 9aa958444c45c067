using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using DurableTask.AzureStorage;

namespace UrgeShipment.SelfHost;

/// <summary>
/// Refuses to start on a task hub created with another partition count. DTF assigns each instance to a control queue
/// by a hash of its id modulo the partition count and only logs a warning when the count changes, so tickets in flight
/// would silently stop; the fix is a new <c>hubName</c> or the old count.
/// </summary>
public static class TaskHubPartitions
{
    /// <summary>
    /// What DTF recorded when it created the hub: one row per partition in <c>{hub}Partitions</c> (table partition
    /// management, the default), or <c>{hub}-leases/taskhub.json</c> <c>{"PartitionCount": n}</c> (blob leases).
    /// </summary>
    public static async Task EnsureUnchangedAsync(AzureStorageOrchestrationServiceSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var recorded = await RecordedCountAsync(settings, ct);
        if (recorded is null)
        {
            return; // a new task hub
        }
        if (recorded != settings.PartitionCount)
        {
            throw new InvalidOperationException(
                $"The task hub '{settings.TaskHubName}' was created with {recorded} partitions; host.json's extensions.durableTask.storageProvider.partitionCount " +
                $"is {settings.PartitionCount}. Instances are assigned to partitions by a hash of their id, so tickets in flight would be looked for on the " +
                $"wrong control queue, or on one no longer polled. Set partitionCount back to {recorded}, or give the new count a new extensions.durableTask.hubName.");
        }
    }

    private static async Task<int?> RecordedCountAsync(AzureStorageOrchestrationServiceSettings settings, CancellationToken ct)
    {
        var provider = settings.StorageAccountClientProvider!;
        if (settings.UseTablePartitionManagement)
        {
            var table = provider.Table.CreateClient(provider.Table.CreateOptions()).GetTableClient(settings.TaskHubName + "Partitions");
            var rows = 0;
            try
            {
                await foreach (var _ in table.QueryAsync<TableEntity>(select: ["RowKey"], cancellationToken: ct))
                {
                    rows++;
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
            return rows == 0 ? null : rows;
        }
        var info = provider.Blob.CreateClient(provider.Blob.CreateOptions())
            .GetBlobContainerClient(settings.TaskHubName.ToLowerInvariant() + "-leases")
            .GetBlobClient("taskhub.json");
        try
        {
            var content = await info.DownloadContentAsync(ct);
            using var json = JsonDocument.Parse(content.Value.Content.ToMemory());
            return json.RootElement.GetProperty("PartitionCount").GetInt32();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
