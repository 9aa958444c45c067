using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.SelfHost.Tests;

/// <summary>The started self-host, with its shipped settings for the rest (timers on).</summary>
public sealed class StartedSelfHost(AzuriteServer azurite) : IAsyncLifetime
{
    public SelfHostFactory Factory { get; } = new(azurite);

    public Task InitializeAsync()
    {
        _ = Factory.Server; // starts the host: the task hub, the worker, the timers
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>The self-host serves exactly <see cref="FunctionCatalog"/>'s HTTP functions, and runs its timers.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SelfHostEndpointTests(StartedSelfHost host) : IClassFixture<StartedSelfHost>
{
    [Fact]
    public void TheSelfHostsRouteEndpoints_AreExactlyTheCatalogsHttpFunctions_WithTheirRoutesAndMethods()
    {
        var endpoints = host.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints;

        var served = endpoints.OfType<RouteEndpoint>().Select(e =>
            $"{e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName} [{string.Join(",", (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Order(StringComparer.Ordinal))}] {e.RoutePattern.RawText}");
        // host.json's route prefix is empty: a route is served as written.
        var catalog = FunctionCatalog.Http.Select(f => $"{f.Name} [{string.Join(",", f.Methods.Order(StringComparer.Ordinal))}] /{f.Route}");

        Assert.Equal(catalog.Order(StringComparer.Ordinal), served.Order(StringComparer.Ordinal));
        Assert.Equal(endpoints.Count, endpoints.OfType<RouteEndpoint>().Count()); // nothing served outside routing
    }

    [Fact]
    public void GivenNoDisabledSetting_ThenEveryCatalogTimerRuns()
    {
        Assert.Equal(FunctionCatalog.Timers.Select(t => t.Name).Order(StringComparer.Ordinal), host.Factory.RunningTimers());
    }
}

/// <summary>As under the Functions host, the app setting <c>AzureWebJobs.&lt;Function&gt;.Disabled</c> switches a timer off.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DisabledTimerTests(AzuriteServer azurite)
{
    [Theory]
    [InlineData("AzureWebJobs:DeadlineWatchdog:Disabled", "DeadlineWatchdog")]
    [InlineData("AzureWebJobs.TicketRetention.Disabled", "TicketRetention")]
    public async Task GivenAzureWebJobsNameDisabled_ThenThatTimerHasNoTimerTriggerService_AndTheOthersRun(string setting, string disabled)
    {
        await using var factory = new SelfHostFactory(azurite, new Dictionary<string, string?> { [setting] = "true" });
        _ = factory.Server;

        var running = factory.RunningTimers();

        Assert.DoesNotContain(disabled, running);
        Assert.Equal(FunctionCatalog.Timers.Select(t => t.Name).Where(n => n != disabled).Order(StringComparer.Ordinal), running);
    }
}
