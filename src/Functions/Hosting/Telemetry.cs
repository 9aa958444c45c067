using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace UrgeShipment.Functions.Hosting;

/// <summary>
/// UrgeShipment's meters and instruments, and their OpenTelemetry wiring: every instrument is named
/// <c>urgeshipment.*</c>, so every series the Prometheus exporter renders on <c>GET /metrics</c> starts with
/// <c>urgeshipment_</c> (dots become underscores; a counter ends in <c>_total</c>, a unit in seconds adds <c>_seconds</c>).
/// </summary>
public static class Telemetry
{
    /// <summary>The meter every UrgeShipment instrument belongs to (the series' <c>otel_scope_name</c>).</summary>
    public const string MeterName = "UrgeShipment";

    /// <summary>Storage requests by hub, service and operation: <c>urgeshipment_storage_requests_total</c>.</summary>
    public const string StorageRequests = "urgeshipment.storage.requests";

    /// <summary>How late a deadline lapsed after its lapse time, by deadline: <c>urgeshipment_deadline_lapse_lateness_seconds</c>.</summary>
    public const string DeadlineLapseLateness = "urgeshipment.deadline.lapse.lateness";

    /// <summary>The lateness histogram's bucket bounds in seconds (OpenTelemetry's default ones are for milliseconds).</summary>
    public static readonly IReadOnlyList<double> LatenessBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600];

    /// <summary>The app setting that, when set, also sends telemetry to Application Insights.</summary>
    public const string ApplicationInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// The Functions host's setting for Entra ID ingestion (<c>Authorization=AAD</c>, optionally <c>;ClientId=…</c> for a
    /// user-assigned identity), as infra/ sets it: the app's managed identity then authenticates to Application Insights.
    /// </summary>
    public const string ApplicationInsightsAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>
    /// OpenTelemetry metrics for both hosts: our meter, read by the Prometheus exporter that <see cref="MetricsScrape"/>
    /// serves on <c>GET /metrics</c>; and Azure Monitor (Application Insights: traces, metrics and logs) only when
    /// <see cref="ApplicationInsightsSetting"/> holds a connection string.
    /// </summary>
    public static IServiceCollection AddUrgeShipmentTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var telemetry = services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MeterName)
            .AddPrometheusExporter(prometheus =>
            {
                prometheus.ScrapeResponseCacheDurationMilliseconds = 0; // every scrape reads the counters as they are now
                prometheus.TargetInfoEnabled = false; // no target_info series: only urgeshipment_* ones
            }));
        if (configuration[ApplicationInsightsSetting] is { Length: > 0 } connectionString)
        {
            var credential = IngestionCredential(configuration[ApplicationInsightsAuthenticationSetting]);
            telemetry.UseAzureMonitor(azureMonitor =>
            {
                azureMonitor.ConnectionString = connectionString;
                azureMonitor.Credential = credential;
            });
        }
        services.AddSingleton<MetricsScrape>();
        return services;
    }

    /// <summary>
    /// The managed identity named by <see cref="ApplicationInsightsAuthenticationSetting"/>; null (the connection string's
    /// instrumentation key) when it does not ask for <c>Authorization=AAD</c>.
    /// </summary>
    internal static TokenCredential? IngestionCredential(string? authentication)
    {
        var parts = (authentication ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (!string.Equals(parts.GetValueOrDefault("Authorization"), "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return new ManagedIdentityCredential(parts.GetValueOrDefault("ClientId") is { Length: > 0 } clientId
            ? ManagedIdentityId.FromUserAssignedClientId(clientId)
            : ManagedIdentityId.SystemAssigned);
    }
}
