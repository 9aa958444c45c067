using System.Globalization;
using System.Text;
using static UrgeShipment.Bench.Text;

namespace UrgeShipment.Bench;

/// <summary>bench/run.sh's report: ours next to both baselines, as a table, the by-operation details, and the final line.</summary>
internal static class RunReport
{
    /// <summary>Latency rows: ours' call type, the baseline's matching in-process call.</summary>
    private static readonly (string Label, string Ours, string Baseline)[] Calls =
    [
        ("open", "POST /api/webhooks (buyer.urged)", "open (schedule → started)"),
        ("reply", "POST /api/tickets/{id}/reply", "reply (raise → seen)"),
        ("shipped", "POST /api/webhooks (order.shipped)", "shipped (raise → completed)"),
    ];

    public static async Task<int> RenderAsync(Options options)
    {
        var dir = options.InputDir!;
        SideResult? Load(string side) => File.Exists(Path.Combine(dir, side + ".json")) ? SideResult.Read(Path.Combine(dir, side + ".json")) : null;
        var ours = Load("ours") ?? new SideResult { Side = "ours", Error = "no result written" };
        var def = Load("baseline-default") ?? new SideResult { Side = "baseline-default", Error = "no result written" };
        var same = Load("baseline-ours") ?? new SideResult { Side = "baseline-ours", Error = "no result written" };

        var md = new StringBuilder();
        md.Append("# UrgeShipment benchmark: ours against bare Durable Functions\n\n");
        md.Append(CultureInfo.InvariantCulture,
            $"Run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; machine: {Environment.ProcessorCount} cores (nproc), {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; " +
            $"commit {(options.Revision.Length > 0 ? options.Revision : "?")}. N = {ours.N} lifecycles per phase, concurrency {ours.Concurrency}; produced by `bench/run.sh` (what each figure means: bench/README.md). ");
        if (options.Notes.Length > 0)
        {
            md.Append(options.Notes).Append(' ');
        }
        md.Append("\n\n- **ours**: ").Append(ours.Description).Append(".\n- **baseline, DTF defaults**: ").Append(def.Description)
            .Append(".\n- **baseline, our settings**: ").Append(same.Description).Append(".\n\n");

        md.Append("| metric | ours | baseline, DTF defaults | baseline, our settings | ours / defaults | ours / our settings |\n|---|---:|---:|---:|---:|---:|\n");
        void Row(string metric, Func<SideResult, double> value, string better)
        {
            var o = value(ours);
            var d = value(def);
            var s = value(same);
            md.Append(CultureInfo.InvariantCulture, $"| {metric} ({better}) | {F(o)} | {F(d)} | {F(s)} | {Ratio(o, d)} | {Ratio(o, s)} |\n");
        }
        void Text(string metric, Func<SideResult, string> value) =>
            md.Append(CultureInfo.InvariantCulture, $"| {metric} | {value(ours)} | {value(def)} | {value(same)} | — | — |\n");

        Row("reply lifecycles/s (open → reply → shipped → all settled)", r => r.ReplyPerSecond, "higher");
        Row("lapse lifecycles/s (open → lapse → all settled; the wait for the timers left out)", r => r.LapsePerSecond, "higher");
        Row("storage requests per reply lifecycle", r => r.RequestsPerReply, "lower");
        Row("storage requests per lapse lifecycle", r => r.RequestsPerLapse, "lower");
        Row("lapse fired − due, p50 (s)", r => Stats.Quantile(r.Lateness, 0.5), "lower");
        Row("lapse fired − due, p99 (s)", r => Stats.Quantile(r.Lateness, 0.99), "lower");
        Row("lapse fired − due, max (s)", r => Stats.Max(r.Lateness), "lower");
        Text("lapses fired before due (must be 0 for ours)", r => $"{r.Early} of {r.LapseLapsed}");
        Text($"not lapsed within {F(ours.LapseBoundSeconds)} s of due", r => (r.LapseOpened - r.LapseLapsed).ToString(CultureInfo.InvariantCulture));
        Row("idle storage requests/s (nothing to do)", r => r.IdleRps, "lower");
        Row("peak RSS, MiB (VmHWM before the open phase)", r => r.PeakRssMiB, "lower");
        Row($"RSS with {ours.OpenTarget} open tickets waiting on their timers, MiB (VmRSS)", r => r.RssOpenMiB, "lower");
        Text("… opened (of the target) in s", r => string.Create(CultureInfo.InvariantCulture, $"{r.Opened} in {F(r.OpenSeconds)}"));
        foreach (var (label, o, b) in Calls)
        {
            Row($"latency p50, ms: {label} (ours `{o}`; baseline {b})", r => Stats.Quantile(Latencies(r, r == ours ? o : b), 0.5), "lower");
            Row($"latency p99, ms: {label}", r => Stats.Quantile(Latencies(r, r == ours ? o : b), 0.99), "lower");
        }
        md.Append('\n');

        md.Append("## Details\n\n");
        foreach (var r in new[] { ours, def, same })
        {
            md.Append(CultureInfo.InvariantCulture, $"### {r.Side} ({F(r.DurationSeconds)} s)\n\n");
            if (r.Error is not null)
            {
                md.Append("**Failed:** ").Append(r.Error).Append("\n\n");
            }
            if (r.DtfSettings.Count > 0)
            {
                md.Append("DTF settings: ").Append(string.Join(", ", r.DtfSettings.Select(kv => $"`{kv.Key}` {kv.Value}"))).Append(".\n\n");
            }
            Breakdown(md, $"Reply lifecycle ×{r.ReplyCompleted} (in {F(r.ReplySeconds)} s): storage requests per lifecycle", r.ReplyRequests, r.ReplyCompleted);
            Breakdown(md, $"Lapse lifecycle ×{r.LapseOpened} (opened in {F(r.LapseOpenSeconds)} s, deadlines within {F(r.LapseDueSpreadSeconds)} s of each other, {r.LapseOpenedAfterDue} opened after their due time; all settled {F(r.LapseSettleSeconds)} s after due): storage requests per lifecycle", r.LapseRequests, r.LapseOpened);
            Breakdown(md, $"Idle ({r.IdleWhen}; {F(r.IdleSeconds)} s window after a {F(r.IdleSettleSeconds)} s settle wait): storage requests per second", r.IdleRequests, r.IdleSeconds);
            if (r.LatencyMs.Count > 0)
            {
                md.Append("Latency, ms (p50 / p99 / max, count): ")
                    .Append(string.Join("; ", r.LatencyMs.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"`{kv.Key}` {F(Stats.Quantile(kv.Value, 0.5))} / {F(Stats.Quantile(kv.Value, 0.99))} / {F(Stats.Max(kv.Value))}, ×{kv.Value.Count}")))
                    .Append(".\n\n");
            }
            md.Append(CultureInfo.InvariantCulture, $"Peak RSS at the end (after the open phase): {F(r.PeakRssEndMiB)} MiB.\n\n");
            foreach (var note in r.Notes)
            {
                md.Append("- ").Append(note).Append('\n');
            }
            md.Append('\n');
        }

        var text = md.ToString();
        if (options.ResultsPath is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, text);
        }
        Console.WriteLine(text);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench: throughput_ratio={N(ours.ReplyPerSecond / def.ReplyPerSecond)} overhead_ratio={N(ours.ReplyPerSecond / same.ReplyPerSecond)} " +
            $"requests_ratio={N(ours.RequestsPerReply / def.RequestsPerReply)} lateness_p99_s={N(Stats.Quantile(ours.Lateness, 0.99))} early={ours.Early} " +
            $"idle_rps={N(ours.IdleRps)} rss_10k_mb={N(ours.RssOpenMiB, "0")}"));
        return ours.Error is null && def.Error is null && same.Error is null ? 0 : 1;
    }

    private static List<double> Latencies(SideResult r, string type) => r.LatencyMs.GetValueOrDefault(type) ?? [];

    private static void Breakdown(StringBuilder md, string title, Dictionary<string, double> storage, double divisor)
    {
        md.Append("**").Append(title).Append(".** ");
        if (divisor <= 0 || storage.Count == 0)
        {
            md.Append("—\n\n");
            return;
        }
        md.Append(string.Join(", ", storage.Where(kv => Math.Abs(kv.Value) > 0.001).OrderByDescending(kv => kv.Value).Select(kv => $"`{kv.Key}` {F(kv.Value / divisor)}")));
        md.Append(CultureInfo.InvariantCulture, $"; total {F(storage.Values.Sum() / divisor)}.\n\n");
    }

    private static string Ratio(double ours, double baseline) => double.IsNaN(ours) || double.IsNaN(baseline) || baseline == 0 ? "—" : F(ours / baseline) + "×";

    private static string N(double value, string format = "0.00") =>
        double.IsNaN(value) || double.IsInfinity(value) ? "nan" : value.ToString(format, CultureInfo.InvariantCulture);
}

internal static class Text
{
    public static string F(double? value) => value switch
    {
        null => "—",
        { } v when double.IsNaN(v) => "—",
        { } v when double.IsPositiveInfinity(v) => "∞",
        { } v when Math.Abs(v) >= 100 => v.ToString("0", CultureInfo.InvariantCulture),
        { } v when Math.Abs(v) >= 10 => v.ToString("0.0", CultureInfo.InvariantCulture),
        { } v => v.ToString("0.##", CultureInfo.InvariantCulture),
    };
}
