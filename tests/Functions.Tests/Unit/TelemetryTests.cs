using Azure.Identity;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using UrgeShipment.Functions.Hosting;

namespace UrgeShipment.Functions.Tests.Unit;

/// <summary>
/// The OpenTelemetry wiring (<see cref="Telemetry.AddUrgeShipmentTelemetry"/>): the Prometheus exporter always, Azure
/// Monitor only with an Application Insights connection string. Registrations only: no provider is built, nothing is sent.
/// </summary>
public sealed class TelemetryTests
{
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";

    private static ServiceCollection Wired(string? connectionString, string? authentication = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [Telemetry.ApplicationInsightsSetting] = connectionString,
                [Telemetry.ApplicationInsightsAuthenticationSetting] = authentication,
            })
            .Build();
        var services = new ServiceCollection();
        services.AddUrgeShipmentTelemetry(configuration);
        return services;
    }

    private static bool HasAzureMonitor(ServiceCollection services) =>
        services.Any(d => d.ServiceType == typeof(IConfigureOptions<AzureMonitorOptions>));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void WithoutAConnectionString_AzureMonitorIsNotWired_ButTheScrapeIs(string? connectionString)
    {
        var services = Wired(connectionString);

        Assert.False(HasAzureMonitor(services));
        Assert.Contains(services, d => d.ServiceType == typeof(MetricsScrape));
        Assert.Contains(services, d => d.ServiceType == typeof(MeterProvider));
    }

    [Fact]
    public void WithAConnectionString_AzureMonitorIsWired_WithThatConnectionString()
    {
        var services = Wired(ConnectionString);

        Assert.True(HasAzureMonitor(services));
        Assert.Contains(services, d => d.ServiceType == typeof(MetricsScrape));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<AzureMonitorOptions>>().Get(Options.DefaultName);
        Assert.Equal(ConnectionString, options.ConnectionString);
        Assert.Null(options.Credential); // no Entra ID ingestion asked for: the connection string's key
    }

    [Fact]
    public void WithEntraIdIngestion_AsInfraSetsIt_TheAppsManagedIdentityAuthenticates()
    {
        using var provider = Wired(ConnectionString, "Authorization=AAD").BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<AzureMonitorOptions>>().Get(Options.DefaultName);
        Assert.IsType<ManagedIdentityCredential>(options.Credential);
    }

    [Theory]
    [InlineData("Authorization=AAD", true)]
    [InlineData("authorization=aad;ClientId=11111111-1111-1111-1111-111111111111", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("Authorization=Key", false)]
    public void IngestionCredential_IsAManagedIdentity_OnlyForAuthorizationAad(string? authentication, bool managedIdentity)
    {
        var credential = Telemetry.IngestionCredential(authentication);

        Assert.Equal(managedIdentity, credential is ManagedIdentityCredential);
        Assert.Equal(managedIdentity, credential is not null);
    }
}
