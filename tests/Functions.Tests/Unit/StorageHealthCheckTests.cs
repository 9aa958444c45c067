using Azure.Data.Tables;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Functions.Projections;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests.Unit;

/// <summary><see cref="StorageHealthCheck"/>, the check behind <c>GET /health</c>: against the real Azurite, and against nothing.</summary>
[Collection(HostCollection.Name)]
public sealed class StorageHealthCheckTests(AzuriteServer azurite)
{
    private static HealthCheckContext Context(IHealthCheck check) =>
        new() { Registration = new HealthCheckRegistration(StorageHealthCheck.Name, check, HealthStatus.Unhealthy, null) };

    [Fact]
    public async Task GivenReachableStorage_ThenHealthyReachable_EvenBeforeTheTicketTableExists()
    {
        var check = new StorageHealthCheck(new TableServiceClient(azurite.ConnectionString), new StorageNames("hc" + Guid.NewGuid().ToString("N")[..8]));
        var result = await check.CheckHealthAsync(Context(check));
        Assert.Equal("reachable", result.Description);
        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task GivenStorageNobodyListensOn_ThenUnhealthyUnreachable()
    {
        var options = new TableClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(2) } };
        var nowhere = new TableServiceClient(new Uri("http://127.0.0.1:1/devstoreaccount1"), new TableSharedKeyCredential("devstoreaccount1", Convert.ToBase64String(new byte[64])), options);
        var check = new StorageHealthCheck(nowhere, new StorageNames("hc"));
        var result = await check.CheckHealthAsync(Context(check));
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("unreachable", result.Description);
    }
}
