using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using UrgeShipment.Functions.Projections;

namespace UrgeShipment.Functions.Hosting;

/// <summary>
/// Storage reachable: one point read on the ticket table (a missing row is fine; an error after the SDK's retries is
/// not). Registered with <c>AddHealthChecks</c>; <c>GET /health</c> runs every registered check.
/// </summary>
public sealed class StorageHealthCheck(TableServiceClient tables, StorageNames names) : IHealthCheck
{
    public const string Name = "storage";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await tables.GetTableClient(names.TicketsTable).GetEntityIfExistsAsync<TableEntity>("health", "probe", select: ["RowKey"], cancellationToken);
            return HealthCheckResult.Healthy("reachable");
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            return HealthCheckResult.Unhealthy("unreachable", e); // the exception is logged by the health check service, never shown
        }
    }
}
