using static Microsoft.Playwright.Assertions;

namespace UrgeShipment.Dashboard.Tests;

/// <summary>The page's own modules, run in the real browser.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ChartsTests(DashboardHost host)
{
    [Fact]
    public async Task LatenessHistogram_FromPrometheusText_SumsLabelSetsIntoPerBucketCounts()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("input[name=apiKey]")).ToBeVisibleAsync();

        var parsed = await page.EvaluateAsync<string[]>("""
            async () => {
              const { parseLatenessHistogram } = await import("/charts.js");
              // As the OpenTelemetry Prometheus exporter writes GET /metrics (0.0.4 text).
              const scope = "otel_scope_name=\"UrgeShipment\"";
              const text = [
                "# TYPE urgeshipment_storage_requests_total counter",
                `urgeshipment_storage_requests_total{${scope},hub=\"a\",operation=\"get\",service=\"queue\"} 6`,
                "# TYPE urgeshipment_deadline_lapse_lateness_seconds histogram",
                `urgeshipment_deadline_lapse_lateness_seconds_bucket{${scope},deadline=\"reply\",le=\"0.5\"} 1`,
                `urgeshipment_deadline_lapse_lateness_seconds_bucket{${scope},deadline=\"reply\",le=\"1\"} 3`,
                `urgeshipment_deadline_lapse_lateness_seconds_bucket{${scope},deadline=\"reply\",le=\"+Inf\"} 4`,
                `urgeshipment_deadline_lapse_lateness_seconds_sum{${scope},deadline=\"reply\"} 9.5`,
                `urgeshipment_deadline_lapse_lateness_seconds_count{${scope},deadline=\"reply\"} 4`,
                `urgeshipment_deadline_lapse_lateness_seconds_bucket{${scope},deadline=\"ship_by\",le=\"0.5\"} 2`,
                `urgeshipment_deadline_lapse_lateness_seconds_bucket{${scope},deadline=\"ship_by\",le=\"1\"} 2`,
                `urgeshipment_deadline_lapse_lateness_seconds_bucket{${scope},deadline=\"ship_by\",le=\"+Inf\"} 2`,
              ].join("\n");
              const h = parseLatenessHistogram(text);
              return [
                h.name,
                h.buckets.map((b) => `${b.le}:${b.count}`).join(" "),
                String(h.total),
                String(parseLatenessHistogram(`urgeshipment_storage_requests_total{${scope},hub=\"a\"} 6`)),
                String(parseLatenessHistogram("")),
              ];
            }
            """);

        Assert.Equal("urgeshipment_deadline_lapse_lateness_seconds", parsed[0]);
        Assert.Equal("0.5:3 1:2 Infinity:1", parsed[1]);
        Assert.Equal("6", parsed[2]);
        Assert.Equal("null", parsed[3]);
        Assert.Equal("null", parsed[4]);
    }
}
