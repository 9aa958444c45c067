using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>A test class with its own host (own task hub, own dev clock) on the shared Azurite.</summary>
[Collection(HostCollection.Name)]
public abstract class HostTests(AzuriteServer azurite) : IAsyncLifetime
{
    protected TicketHost Host { get; } = new(azurite);

    protected DateTimeOffset Now => Host.Now;

    public Task InitializeAsync()
    {
        _ = Host.Server; // start the host before the first test
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
