using DurableTask.AzureStorage;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.SelfHost.Tests;

/// <summary><see cref="TaskHubPartitions"/> on hubs DTF itself created on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TaskHubPartitionsTests(AzuriteServer azurite)
{
    private AzureStorageOrchestrationServiceSettings Settings(string hub, int partitions) => new()
    {
        TaskHubName = hub,
        StorageAccountClientProvider = new StorageAccountClientProvider(azurite.ConnectionString),
        PartitionCount = partitions,
    };

    [Fact]
    public async Task AHubCreatedWithTwoPartitions_RefusesOne_AndTakesTwo()
    {
        var hub = "p" + Guid.NewGuid().ToString("N")[..10];
        await new AzureStorageOrchestrationService(Settings(hub, 2)).CreateIfNotExistsAsync();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => TaskHubPartitions.EnsureUnchangedAsync(Settings(hub, 1), CancellationToken.None));
        Assert.Contains("created with 2 partitions", refused.Message, StringComparison.Ordinal);
        Assert.Contains("hubName", refused.Message, StringComparison.Ordinal);
        await TaskHubPartitions.EnsureUnchangedAsync(Settings(hub, 2), CancellationToken.None);
    }

    [Fact]
    public async Task ANewHub_StartsWithAnyCount()
    {
        var hub = "p" + Guid.NewGuid().ToString("N")[..10];
        await TaskHubPartitions.EnsureUnchangedAsync(Settings(hub, 3), CancellationToken.None);
        await new AzureStorageOrchestrationService(Settings(hub, 3)).CreateIfNotExistsAsync();
        await TaskHubPartitions.EnsureUnchangedAsync(Settings(hub, 3), CancellationToken.None);
    }
}
