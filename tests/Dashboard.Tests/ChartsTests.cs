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
              const text = [
                "# TYPE urgeshipment_durable_durable_commits counter",
                "urgeshipment_durable_durable_commits{hub=\"a\"} 6",
                "# TYPE urgeshipment_durable_durable_timer_lateness histogram",
                "urgeshipment_durable_durable_timer_lateness_bucket{hub=\"a\",le=\"0.5\"} 1",
                "urgeshipment_durable_durable_timer_lateness_bucket{hub=\"a\",le=\"1\"} 3",
                "urgeshipment_durable_durable_timer_lateness_bucket{hub=\"a\",le=\"+Inf\"} 4",
                "urgeshipment_durable_durable_timer_lateness_bucket{hub=\"b\",le=\"0.5\"} 2",
                "urgeshipment_durable_durable_timer_lateness_bucket{hub=\"b\",le=\"1\"} 2",
                "urgeshipment_durable_durable_timer_lateness_bucket{hub=\"b\",le=\"+Inf\"} 2",
                "urgeshipment_durable_durable_timer_lateness_sum{hub=\"a\"} 9.5",
                "urgeshipment_durable_durable_timer_lateness_count{hub=\"a\"} 4",
              ].join("\n");
              const h = parseLatenessHistogram(text);
              return [
                h.name,
                h.buckets.map((b) => `${b.le}:${b.count}`).join(" "),
                String(h.total),
                String(parseLatenessHistogram("urgeshipment_durable_durable_commits{hub=\"a\"} 6")),
                String(parseLatenessHistogram("")),
              ];
            }
            """);

        Assert.Equal("urgeshipment_durable_durable_timer_lateness", parsed[0]);
        Assert.Equal("0.5:3 1:2 Infinity:1", parsed[1]);
        Assert.Equal("6", parsed[2]);
        Assert.Equal("null", parsed[3]);
        Assert.Equal("null", parsed[4]);
    }
}
