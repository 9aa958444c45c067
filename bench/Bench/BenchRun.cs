using System.Globalization;

namespace UrgeShipment.Bench;

internal sealed record LapseResult(string Marketplace, int N, Delta Delta, Delta JumpDelta, int LapsedBeforeJump, List<double> ReactionSeconds,
    List<double> LatenessSeconds, int Early, Dictionary<string, int> States, double SettleSeconds, double JumpCallSeconds, double PhaseSeconds)
{
    public double ReactionP50 => Stats.Quantile(ReactionSeconds, 0.5);
    public double ReactionP99 => Stats.Quantile(ReactionSeconds, 0.99);
}

/// <summary>bench/run.sh: warm-up, idle, seller-reply lifecycles ×N, lapse lifecycles ×N (taobao, xiaohongshu) after a dev-clock jump.</summary>
internal static class BenchRun
{
    public static async Task<int> RunAsync(Options options, HostClient host, TextWriter log, CancellationToken ct)
    {
        var report = new Report(options);
        var quiet = TimeSpan.FromSeconds(options.QuietSeconds);
        await host.SyncClockAsync(ct);
        log.WriteLine($"Host clock {HostClient.Iso(host.HostNow)}; N={options.N}, concurrency {options.Concurrency}, idle window {options.IdleSeconds} s");

        // ---- warm-up: one full seller-reply lifecycle (JIT, connections, tables), then the cost of one GET ticket ----
        var warm = await Phases.SellerReplyAsync(host, "warm", 1, 1, ct);
        await Phases.SettledAsync(host, warm.TicketIds, Phases.IsCompleted, ct);
        await Phases.WaitQuietAsync(host, quiet, ct);
        var perRead = await Phases.CalibrateReadAsync(host, warm.TicketIds[0], ct);
        log.WriteLine($"One GET ticket costs {string.Join(", ", perRead.Select(kv => $"{kv.Key} {kv.Value:0.##}"))} (subtracted from every phase)");

        // ---- 1. idle ----
        await Phases.WaitQuietAsync(host, quiet, ct);
        var idle0 = await host.ScrapeAsync(ct);
        await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds / 2.0), ct);
        var idle1 = await host.ScrapeAsync(ct);
        await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds / 2.0), ct);
        var idle2 = await host.ScrapeAsync(ct);
        var idleWhole = Delta.Between(idle0, idle2);
        report.Idle(idleWhole, (idle2.At - idle0.At).TotalSeconds, Delta.Between(idle1, idle2), (idle2.At - idle1.At).TotalSeconds);
        log.WriteLine($"Idle: {idleWhole.StorageTotal} requests in {(idle2.At - idle0.At).TotalSeconds:0.#} s ({idleWhole.DevClockRefresh} of them the dev clock's)");

        // ---- 2. seller-reply lifecycles ----
        {
            var before = await host.ScrapeAsync(ct);
            var reads0 = host.TicketReads;
            var run = await Phases.SellerReplyAsync(host, "reply", options.N, options.Concurrency, ct);
            await Phases.SettledAsync(host, run.TicketIds, Phases.IsCompleted, ct);
            var end = await Phases.WaitQuietAsync(host, quiet, ct);
            var delta = Delta.Between(before, end.LastMove).Minus(perRead, host.TicketReads - reads0);
            var seconds = (end.LastChange - run.Started).TotalSeconds;
            report.SellerReply(run, delta, seconds);
            log.WriteLine($"Seller reply: {options.N} in {seconds:0.##} s, {delta.StorageTotal / options.N:0.##} requests each");
        }

        // ---- 3. lapse lifecycles: taobao (escalates, no money), xiaohongshu (compensation settles, notices) ----
        foreach (var marketplace in new[] { "taobao", "xiaohongshu" })
        {
            var lapse = await LapseAsync(host, marketplace, options.N, options.Concurrency, perRead, quiet, ct);
            report.Lapse(lapse);
            log.WriteLine($"Lapse {marketplace}: {lapse.Delta.StorageTotal / options.N:0.##} requests each; reaction p99 {lapse.ReactionP99:0.###} s; early {lapse.Early}");
        }
        report.Accepted(host.Accepted);

        var markdown = report.Render();
        Console.WriteLine(markdown);
        if (options.ResultsPath is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, markdown, ct);
            log.WriteLine($"Written to {path}");
        }
        Console.WriteLine(report.SummaryLine(options.ResultsPath));
        return 0;
    }

    /// <summary>Opens N tickets, moves the host clock past the reply window (PT24H3M), waits until every ticket lapsed and settled.</summary>
    private static async Task<LapseResult> LapseAsync(HostClient host, string marketplace, int n, int concurrency, IReadOnlyDictionary<string, double> perRead,
        TimeSpan quiet, CancellationToken ct)
    {
        await Phases.WaitQuietAsync(host, quiet, ct);
        var before = await host.ScrapeAsync(ct);
        var reads0 = host.TicketReads;
        var (ids, _, _) = await Phases.OpenAsync(host, marketplace, "lapse", n, concurrency, ct);
        await Phases.SettledAsync(host, ids, Phases.WorkSettled, ct);
        var preJump = (await Phases.WaitQuietAsync(host, quiet, ct)).Last;
        var lapsedBeforeJump = (int)Delta.Between(before, preJump).LatenessCount;

        await host.SyncClockAsync(ct);
        var jumpAt = host.HostNow + TimeSpan.FromMinutes((24 * 60) + 3); // the host clock right after the jump
        var jumpedLocal = DateTimeOffset.UtcNow;
        await host.AdvanceClockAsync("PT24H3M", ct);
        var jumpCall = (DateTimeOffset.UtcNow - jumpedLocal).TotalSeconds;
        await host.SyncClockAsync(ct);
        await Phases.LapsesAsync(host, preJump, n, DateTimeOffset.UtcNow.AddMinutes(5), ct);
        var tickets = await Phases.SettledAsync(host, [.. ids], t => (string?)t["state"] != "awaiting_seller_reply" && Phases.WorkSettled(t), ct);
        var end = await Phases.WaitQuietAsync(host, quiet, ct);

        var reactions = new List<double>();
        var lateness = new List<double>();
        var early = 0;
        var states = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in tickets)
        {
            var key = (string?)t["state"] + "/" + ((string?)t["outcome"] ?? "-");
            states[key] = states.GetValueOrDefault(key) + 1;
            foreach (var h in Phases.History(t, "deadline_lapsed"))
            {
                var at = Phases.Time(h["at"]);
                var lapsesAt = Phases.Time(t["deadlines"]!["reply"]) + TimeSpan.FromSeconds(120); // XHS-2024 / TB-2022 grace
                reactions.Add((at - jumpAt).TotalSeconds);
                lateness.Add((at - lapsesAt).TotalSeconds);
                if (at < lapsesAt)
                {
                    early++;
                }
            }
        }
        var delta = Delta.Between(before, end.LastMove).Minus(perRead, host.TicketReads - reads0);
        return new LapseResult(marketplace, n, delta, Delta.Between(preJump, end.LastMove), lapsedBeforeJump, reactions, lateness, early, states,
            (end.LastChange - jumpedLocal).TotalSeconds, jumpCall, (end.LastChange - before.At).TotalSeconds);
    }
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
