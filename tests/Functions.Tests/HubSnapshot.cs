using Azure.Data.Tables;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>
/// What a task hub has stored: every row of every table of the hub (ours and DTF's), as "table/partition/row". A ticket's
/// view is written by an activity before its orchestration checkpoints that activity's result, so "the view is settled"
/// is not "the hub is idle": <see cref="StableAsync"/> waits for the latter.
/// </summary>
public static class HubSnapshot
{
    public static async Task<string> TakeAsync(AzuriteServer azurite, string hub)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var service = new TableServiceClient(azurite.ConnectionString);
        var rows = new List<string>();
        await foreach (var table in service.QueryAsync())
        {
            if (!table.Name.StartsWith(hub, StringComparison.OrdinalIgnoreCase) || table.Name.EndsWith("Partitions", StringComparison.Ordinal))
            {
                continue; // the partition table's lease rows change every few seconds, by design
            }
            await foreach (var row in service.GetTableClient(table.Name).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            {
                rows.Add($"{table.Name}/{row.PartitionKey}/{row.RowKey}");
            }
        }
        rows.Sort(StringComparer.Ordinal);
        return string.Join(Environment.NewLine, rows);
    }

    /// <summary>The snapshot once two taken half a second apart agree: no orchestration episode is still being checkpointed.</summary>
    public static async Task<string> StableAsync(AzuriteServer azurite, string hub)
    {
        var last = await TakeAsync(azurite, hub);
        for (var i = 0; i < 40; i++)
        {
            await Task.Delay(500);
            var next = await TakeAsync(azurite, hub);
            if (next == last)
            {
                return next;
            }
            last = next;
        }
        throw new TimeoutException("The hub's tables did not settle within 20 s.");
    }
}
