using Microsoft.AspNetCore.Builder;
using OpenTelemetry.Metrics;

namespace UrgeShipment.Functions.Hosting;

/// <summary>
/// The body of <c>GET /metrics</c>: the OpenTelemetry Prometheus exporter's own scraping middleware, run for the metrics
/// function's request. The exporter serves a scrape only as ASP.NET Core middleware (its collection API is internal), so
/// this builds that middleware once, through the exporter's public <c>UseOpenTelemetryPrometheusScrapingEndpoint</c>, into
/// one request delegate that answers every request it is handed. Both hosts run it the same way, on the function's
/// <see cref="HttpContext"/>: under the Functions host (ASP.NET Core integration) and self-hosted (FunctionEndpoints), after
/// the function's own access check. The exporter negotiates the format from <c>Accept</c> (Prometheus text by default,
/// OpenMetrics when asked) and compresses when the scraper accepts gzip.
/// </summary>
public sealed class MetricsScrape
{
    private readonly RequestDelegate _scrape;

    public MetricsScrape(IServiceProvider services, MeterProvider meterProvider)
    {
        var app = new ApplicationBuilder(services);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider, predicate: _ => true, path: null, configureBranchedPipeline: null, optionsName: null);
        _scrape = app.Build();
    }

    /// <summary>The scrape as the function's result: the exporter writes status, content type and body.</summary>
    public IResult Result() => new Scrape(_scrape);

    private sealed class Scrape(RequestDelegate scrape) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => scrape(httpContext);
    }
}
