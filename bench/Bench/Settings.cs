using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using static UrgeShipment.Bench.Text;

namespace UrgeShipment.Bench;

/// <summary>Lateness figures of one lapse test: lateness = deadline_lapsed.at − lapse time, from each ticket's history.</summary>
internal sealed class LapseStats
{
    public int Tickets { get; set; }
    public int Lapsed { get; set; }
    public double P50 { get; set; } = double.NaN;
    public double P99 { get; set; } = double.NaN;
    public double Max { get; set; } = double.NaN;
    public double Min { get; set; } = double.NaN;
    public int Early { get; set; }
    public int NotLapsedWithinBound { get; set; }
    public int OpenedAfterDeadline { get; set; }
    public int LapsedBeforeJump { get; set; }
    public double HistogramCount { get; set; }
    public double HistogramMean { get; set; } = double.NaN;
    public double OpenSeconds { get; set; }
    public double JumpCallSeconds { get; set; } = double.NaN;
    public double ProbeCallSeconds { get; set; } = double.NaN;
    public double LeadSeconds { get; set; } = double.NaN;
    public double SettleSeconds { get; set; } = double.NaN;
    public double RequestsPerTicket { get; set; } = double.NaN;

    public static LapseStats Of(List<double> lateness, int tickets, double bound)
    {
        var ok = lateness.Where(l => l <= bound).ToList();
        return new LapseStats
        {
            Tickets = tickets,
            Lapsed = lateness.Count,
            P50 = Stats.Quantile(lateness, 0.5),
            P99 = Stats.Quantile(lateness, 0.99),
            Max = Stats.Max(lateness),
            Min = lateness.Count == 0 ? double.NaN : lateness.Min(),
            Early = lateness.Count(l => l < 0),
            NotLapsedWithinBound = tickets - ok.Count,
        };
    }
}

/// <summary>One configuration's figures, written as JSON by <c>--mode settings</c> and read by <c>--mode settings-report</c>.</summary>
internal sealed class SettingsResult
{
    public int Sequence { get; set; }
    public string Label { get; set; } = "";
    public int Partitions { get; set; }
    public string Polling { get; set; } = "";
    public bool Extended { get; set; }
    public string? Error { get; set; }
    public int M { get; set; }
    public int N { get; set; }
    public int Concurrency { get; set; }
    public double LapseBoundSeconds { get; set; }
    public double FastWindowSeconds { get; set; } = double.NaN;
    public LapseStats? RealTimer { get; set; }
    public LapseStats? Lone { get; set; }
    public List<double> LoneLateness { get; set; } = [];
    public double LoneSpacingSeconds { get; set; }
    public LapseStats? Jump { get; set; }
    public double ReplyLifecyclesPerSecond { get; set; } = double.NaN;
    public double RequestsPerReplyLifecycle { get; set; } = double.NaN;
    public double IdleSeconds { get; set; }
    public double IdleSettleSeconds { get; set; }
    public double IdleRequestsPerSecond { get; set; } = double.NaN;
    public double IdleRequestsPerSecondWithoutDevClock { get; set; } = double.NaN;
    public Dictionary<string, double> IdleByOperation { get; set; } = [];
    public double? PeakRssMiB { get; set; }
    public int Accepted { get; set; }
    public double DurationSeconds { get; set; }

    /// <summary>Lapses before their lapse time, in all lapse tests (must be 0).</summary>
    public int? Early => RealTimer is null ? null : RealTimer.Early + (Lone?.Early ?? 0) + (Jump is { } j ? j.Early + j.LapsedBeforeJump : 0);

    /// <summary>Tickets that did not lapse within the bound, in all lapse tests.</summary>
    public int? NotLapsed => RealTimer is null ? null : RealTimer.NotLapsedWithinBound + (Lone?.NotLapsedWithinBound ?? 0) + (Jump?.NotLapsedWithinBound ?? 0);

    /// <summary>The worst real-timer lateness: lone lapses and the burst.</summary>
    public double RealTimerMax => Math.Max(RealTimer?.Max ?? double.NaN, Lone is { Lapsed: > 0 } l ? l.Max : double.NegativeInfinity);

    public bool MeetsBound(double bound) =>
        Error is null && RealTimer is { } r && Jump is { } j && Early == 0 && NotLapsed == 0
        && r.Lapsed == r.Tickets && j.Lapsed == j.Tickets && (Lone is null || Lone.Lapsed == Lone.Tickets)
        && RealTimerMax <= bound && j.Max <= bound;
}

/// <summary>
/// One configuration of bench/settings.sh against a fresh host: warm-up, idle, seller-reply lifecycles ×N, real-timer
/// lapses ×M on the seconds-window policy, lapses ×M after a dev-clock jump to just before their lapse time, peak RSS.
/// </summary>
internal static class SettingsRun
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static async Task<int> RunAsync(Options options, HostClient host, TextWriter log, CancellationToken ct)
    {
        var result = new SettingsResult
        {
            Sequence = options.Sequence, Label = options.Label, Partitions = options.Partitions, Polling = options.Polling, Extended = options.Extended,
            M = options.M, N = options.N, Concurrency = options.Concurrency, LapseBoundSeconds = options.LapseBoundSeconds,
            IdleSeconds = options.IdleSeconds, IdleSettleSeconds = options.IdleSettleSeconds,
        };
        var clock = Stopwatch.StartNew();
        var code = 0;
        try
        {
            await MeasureAsync(options, host, log, result, ct);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or OperationCanceledException or IOException)
        {
            result.Error = e.GetType().Name + ": " + e.Message;
            log.WriteLine($"[{options.Label}] failed: {result.Error}");
            code = 1;
        }
        result.Accepted = host.Accepted;
        result.PeakRssMiB = options.HostPid > 0 ? Phases.PeakRssMiB(options.HostPid) : null;
        result.DurationSeconds = clock.Elapsed.TotalSeconds;
        if (options.ResultsPath is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, Json), CancellationToken.None);
        }
        log.WriteLine($"[{options.Label}] done in {result.DurationSeconds:0} s: real-timer max {F(result.RealTimer?.Max)} s, jump max {F(result.Jump?.Max)} s, " +
            $"idle {F(result.IdleRequestsPerSecondWithoutDevClock)} req/s without the dev clock, reply {F(result.ReplyLifecyclesPerSecond)}/s, RSS {F(result.PeakRssMiB)} MiB");
        return code;
    }

    private static async Task MeasureAsync(Options options, HostClient host, TextWriter log, SettingsResult result, CancellationToken ct)
    {
        var quiet = TimeSpan.FromSeconds(options.QuietSeconds);
        var tag = $"[{options.Label}]";
        await host.SyncClockAsync(ct);

        // warm-up: one seller-reply lifecycle, then the cost of one GET ticket
        var warm = await Phases.SellerReplyAsync(host, "warm", 1, 1, ct);
        await Phases.SettledAsync(host, warm.TicketIds, Phases.IsCompleted, ct);
        await Phases.WaitQuietAsync(host, quiet, ct);
        var perRead = await Phases.CalibrateReadAsync(host, warm.TicketIds[0], ct);

        // lapses first, while few instances run (a dev-clock jump raises a signal to every running instance, one at a time);
        // the idle window lies in the wait for the real timers
        result.RealTimer = await RealTimerAsync(options, host, perRead, quiet, result, log, ct);
        log.WriteLine($"{tag} real timers: lone ×{options.Lone} lateness {string.Join(" / ", result.LoneLateness.Select(l => F(l)))} s; burst ×{options.M} p50 {F(result.RealTimer.P50)} / p99 {F(result.RealTimer.P99)} / max {F(result.RealTimer.Max)} s; early {result.RealTimer.Early + (result.Lone?.Early ?? 0)}, not lapsed {result.RealTimer.NotLapsedWithinBound + (result.Lone?.NotLapsedWithinBound ?? 0)}");
        result.Jump = await JumpAsync(options, host, perRead, quiet, ct);
        log.WriteLine($"{tag} after the jump ×{result.Jump.Tickets} (lead {F(result.Jump.LeadSeconds)} s): lateness p50 {F(result.Jump.P50)} / p99 {F(result.Jump.P99)} / max {F(result.Jump.Max)} s, early {result.Jump.Early}, not lapsed {result.Jump.NotLapsedWithinBound}");

        // seller-reply lifecycles ×N
        {
            var before = await host.ScrapeAsync(ct);
            var reads0 = host.TicketReads;
            var run = await Phases.SellerReplyAsync(host, "reply", options.N, options.Concurrency, ct);
            await Phases.SettledAsync(host, run.TicketIds, Phases.IsCompleted, ct);
            var end = await Phases.WaitQuietAsync(host, quiet, ct);
            var delta = Delta.Between(before, end.LastMove).Minus(perRead, host.TicketReads - reads0);
            result.ReplyLifecyclesPerSecond = options.N / (end.LastChange - run.Started).TotalSeconds;
            result.RequestsPerReplyLifecycle = delta.StorageTotal / options.N;
            log.WriteLine($"{tag} reply ×{options.N}: {F(result.ReplyLifecyclesPerSecond)}/s, {F(result.RequestsPerReplyLifecycle)} req each");
        }
    }

    /// <summary>
    /// M tickets on the seconds-window policy (grace 0): each lapses on its own durable timer, no clock jump, no watchdog.
    /// The window (bench/settings.sh sets it per configuration) is long enough for the host to go quiet, its pollers to
    /// back off fully (the settle wait) and the idle window to pass before the first deadline: the first timer due then
    /// meets a fully backed-off poller, as a deadline a day after its ticket opened would.
    /// </summary>
    private static async Task<LapseStats> RealTimerAsync(Options options, HostClient host, IReadOnlyDictionary<string, double> perRead, TimeSpan quiet,
        SettingsResult result, TextWriter log, CancellationToken ct)
    {
        var before = await host.ScrapeAsync(ct);
        var reads0 = host.TicketReads;
        var (ids, started, opened) = await Phases.OpenAsync(host, options.FastMarketplace, "timer", options.M, options.Concurrency, ct);
        var views = await Phases.SettledAsync(host, ids, Phases.WorkSettled, ct); // opening notices delivered
        var window = Phases.Time(views[0]["deadlines"]!["reply"]) - Phases.Time(views[0]["openedAt"]);
        result.FastWindowSeconds = window.TotalSeconds;
        var burstFirst = views.Min(t => Phases.Time(t["deadlines"]!["reply"]));

        // Lone tickets: urges dated earlier (an earlier reply deadline), one deadline per spacing before the burst's, so
        // each comes due alone, after the pollers have backed off fully again: as a deadline a day away would.
        var loneIds = new List<string>();
        var tag = Guid.NewGuid().ToString("N")[..8];
        await host.SyncClockAsync(ct);
        for (var k = 0; k < options.Lone; k++)
        {
            var deadline = burstFirst - TimeSpan.FromSeconds((options.Lone - k) * options.LoneSpacingSeconds);
            loneIds.Add(await host.UrgeAsync(options.FastMarketplace, $"lone-{tag}-{k}", ct, deadline - window));
        }
        var loneViews = await Phases.SettledAsync(host, loneIds, Phases.WorkSettled, ct);
        var deadlines = views.Concat(loneViews).Select(t => Phases.Time(t["deadlines"]!["reply"])).ToList(); // grace 0: the lapse times
        await Phases.WaitQuietAsync(host, quiet, ct);

        // idle: nothing to do (the timers are invisible queue messages); the pollers back off towards maxQueuePollingInterval
        // during the settle wait, then the window, which ends before the first timer can come due (visible up to 1 s early)
        await host.SyncClockAsync(ct);
        var toLocal = DateTimeOffset.UtcNow - host.HostNow;
        var idleEnd = deadlines.Min() + toLocal - TimeSpan.FromSeconds(2);
        await Task.Delay(TimeSpan.FromSeconds(options.IdleSettleSeconds), ct);
        var idle0 = await host.ScrapeAsync(ct);
        var idleWindow = TimeSpan.FromSeconds(options.IdleSeconds);
        if (idle0.At + idleWindow > idleEnd)
        {
            idleWindow = idleEnd - idle0.At;
            log.WriteLine($"[{options.Label}] note: the idle window is cut to {idleWindow.TotalSeconds:0.#} s (the first deadline comes first; lengthen BENCH_LAPSE_WINDOW)");
        }
        if (idleWindow > TimeSpan.FromSeconds(1))
        {
            await Task.Delay(idleWindow, ct);
        }
        var idle1 = await host.ScrapeAsync(ct);
        var idle = Delta.Between(idle0, idle1);
        var idleSeconds = (idle1.At - idle0.At).TotalSeconds;
        result.IdleSeconds = idleSeconds;
        result.IdleRequestsPerSecond = idle.StorageTotal / idleSeconds;
        result.IdleRequestsPerSecondWithoutDevClock = (idle.StorageTotal - idle.DevClockRefresh) / idleSeconds;
        result.IdleByOperation = idle.Storage.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value / idleSeconds, 3), StringComparer.Ordinal);
        if (idle.Storage.Where(kv => Scrape.WorkOperations.Contains(kv.Key)).Sum(kv => kv.Value) + idle.LatenessCount > 0)
        {
            log.WriteLine($"[{options.Label}] note: work during the idle window: {string.Join(", ", idle.Storage.Where(kv => Scrape.WorkOperations.Contains(kv.Key)).Select(kv => $"{kv.Key} {kv.Value}"))}, {idle.LatenessCount} lapses");
        }
        log.WriteLine($"[{options.Label}] idle {F(result.IdleRequestsPerSecond)} req/s ({F(result.IdleRequestsPerSecondWithoutDevClock)} without the dev clock) over {idleSeconds:0.#} s");

        var until = deadlines.Max() + toLocal + TimeSpan.FromSeconds(options.LapseBoundSeconds);
        await Phases.LapsesAsync(host, idle1, options.M + options.Lone, until, ct);
        views = await Phases.SettledAsync(host, ids, Phases.WorkSettled, ct);
        loneViews = await Phases.SettledAsync(host, loneIds, Phases.WorkSettled, ct);
        var end = await Phases.WaitQuietAsync(host, quiet, ct);

        var openedLate = 0;
        List<double> Lateness(List<System.Text.Json.Nodes.JsonObject> tickets)
        {
            var lateness = new List<double>();
            foreach (var t in tickets)
            {
                var deadline = Phases.Time(t["deadlines"]!["reply"]);
                if (Phases.History(t, "ticket_opened").FirstOrDefault() is { } openedEntry && Phases.Time(openedEntry["recordedAt"]) >= deadline)
                {
                    openedLate++;
                }
                lateness.AddRange(Phases.History(t, "deadline_lapsed").Select(h => (Phases.Time(h["at"]) - deadline).TotalSeconds));
            }
            return lateness;
        }
        var burst = Lateness(views);
        result.LoneLateness = Lateness(loneViews);
        result.Lone = LapseStats.Of(result.LoneLateness, loneIds.Count, options.LapseBoundSeconds);
        result.LoneSpacingSeconds = options.LoneSpacingSeconds;
        // per ticket: open + lapse + compensation + notices, without the idle window
        var delta = Delta.Between(before, end.LastMove).Minus(perRead, host.TicketReads - reads0);
        var stats = LapseStats.Of(burst, ids.Count, options.LapseBoundSeconds);
        stats.OpenedAfterDeadline = openedLate;
        stats.HistogramCount = delta.LatenessCount;
        stats.HistogramMean = delta.LatenessMean;
        stats.OpenSeconds = (opened - started).TotalSeconds;
        stats.SettleSeconds = (end.LastChange - (deadlines.Min() + toLocal)).TotalSeconds;
        stats.RequestsPerTicket = (delta.StorageTotal - idle.StorageTotal) / (ids.Count + loneIds.Count);
        return stats;
    }

    /// <summary>M xiaohongshu tickets (<c>--jump-m</c>, default M/2); the dev clock jumps to a few seconds before the earliest lapse time (reply deadline + 120 s grace).</summary>
    private static async Task<LapseStats> JumpAsync(Options options, HostClient host, IReadOnlyDictionary<string, double> perRead, TimeSpan quiet, CancellationToken ct)
    {
        var grace = TimeSpan.FromSeconds(120); // XHS-2024
        var before = await host.ScrapeAsync(ct);
        var reads0 = host.TicketReads;
        var m = options.JumpM > 0 ? options.JumpM : Math.Max(1, options.M / 2);
        var (ids, started, opened) = await Phases.OpenAsync(host, "xiaohongshu", "jump", m, options.Concurrency, ct);
        var views = await Phases.SettledAsync(host, ids, Phases.WorkSettled, ct);
        var lapsesAt = views.Select(t => Phases.Time(t["deadlines"]!["reply"]) + grace).ToList();
        var preJump = (await Phases.WaitQuietAsync(host, quiet, ct)).Last;

        // A probe jump of 1 s first: how long the signal fan-out to every running instance takes now. The real jump then lands
        // that much earlier, so each orchestration has its signal (and re-armed timer) before its lapse time.
        var probed = DateTimeOffset.UtcNow;
        await host.AdvanceClockAsync("PT1S", ct);
        var probe = (DateTimeOffset.UtcNow - probed).TotalSeconds;
        preJump = (await Phases.WaitQuietAsync(host, quiet, ct)).Last;
        var lead = options.JumpLeadSeconds + (1.5 * probe) + 1;

        await host.SyncClockAsync(ct);
        var by = lapsesAt.Min() - TimeSpan.FromSeconds(lead) - host.HostNow;
        if (by <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"The earliest lapse time is less than {lead:0.#} s away: nothing to jump.");
        }
        var jumped = DateTimeOffset.UtcNow;
        await host.AdvanceClockAsync(XmlConvert.ToString(by), ct);
        var jumpCall = (DateTimeOffset.UtcNow - jumped).TotalSeconds;
        await host.SyncClockAsync(ct);
        var until = DateTimeOffset.UtcNow + (lapsesAt.Max() - host.HostNow) + TimeSpan.FromSeconds(options.LapseBoundSeconds);
        await Phases.LapsesAsync(host, preJump, m, until, ct);
        views = await Phases.SettledAsync(host, ids, Phases.WorkSettled, ct);
        var end = await Phases.WaitQuietAsync(host, quiet, ct);

        var lateness = new List<double>();
        foreach (var t in views)
        {
            var lapseTime = Phases.Time(t["deadlines"]!["reply"]) + grace;
            lateness.AddRange(Phases.History(t, "deadline_lapsed").Select(h => (Phases.Time(h["at"]) - lapseTime).TotalSeconds));
        }
        var delta = Delta.Between(before, end.LastMove).Minus(perRead, host.TicketReads - reads0);
        var stats = LapseStats.Of(lateness, ids.Count, options.LapseBoundSeconds);
        stats.LapsedBeforeJump = (int)Delta.Between(before, preJump).LatenessCount;
        stats.HistogramCount = Delta.Between(preJump, end.LastMove).LatenessCount;
        stats.HistogramMean = Delta.Between(preJump, end.LastMove).LatenessMean;
        stats.OpenSeconds = (opened - started).TotalSeconds;
        stats.JumpCallSeconds = jumpCall;
        stats.ProbeCallSeconds = probe;
        stats.LeadSeconds = lead;
        stats.SettleSeconds = (end.LastChange - jumped).TotalSeconds;
        stats.RequestsPerTicket = delta.StorageTotal / ids.Count;
        return stats;
    }
}

/// <summary>Reads the configurations' JSON results: renders bench/SETTINGS.md, or names the best-looking configuration.</summary>
internal static class SettingsReport
{
    public static List<SettingsResult> Load(string dir) =>
        [.. Directory.GetFiles(dir, "*.json").Select(f => JsonSerializer.Deserialize<SettingsResult>(File.ReadAllText(f), SettingsRun.Json)!).OrderBy(r => r.Sequence)];

    /// <summary>
    /// The rule: every lapse within the bound in all lapse tests, none early, none missing; then the lowest idle cost
    /// (without the dev clock); ties by the lower worst real-timer lateness. When none meets the bound: the lowest worst lateness.
    /// </summary>
    public static SettingsResult? Best(IEnumerable<SettingsResult> results, double bound)
    {
        var ok = results.Where(r => r.Error is null && r.RealTimer is not null && r.Jump is not null).ToList();
        var meeting = ok.Where(r => r.MeetsBound(bound)).ToList();
        return meeting.Count > 0
            ? meeting.OrderBy(r => r.IdleRequestsPerSecondWithoutDevClock).ThenBy(r => r.RealTimerMax).First()
            : ok.OrderBy(r => Math.Max(r.RealTimerMax, r.Jump!.Max)).FirstOrDefault();
    }

    /// <summary>
    /// The real-timer plan of a configuration (bench/settings.sh asks before it starts the host): prints
    /// "window lone spacing": the benchfast reply window, the lone deadlines and their spacing, all in seconds. A lone
    /// deadline must meet pollers backed off fully again: spacing = the previous lapse's worst lateness (one polling
    /// interval) + 3 s (its work) + the back-off ramp to maxQueuePollingInterval (DTF: 50 ms, then 50 ms × 2^k more each
    /// empty poll, ±20 %). No lone deadlines when that exceeds 20 s (30 s polling: about 95 s each); the burst's first
    /// lapse per control queue is one then.
    /// </summary>
    public static int Plan(Options options)
    {
        var cap = TimeSpan.Parse(options.Polling, CultureInfo.InvariantCulture).TotalSeconds;
        double ramp = 0;
        for (var e = 0; ; e++)
        {
            var interval = 0.05 + (e > 0 ? 0.05 * Math.Pow(2, e - 1) : 0);
            if (interval >= cap)
            {
                break;
            }
            ramp += interval;
        }
        var spacing = Math.Ceiling(cap + 3 + (1.2 * ramp));
        var lone = spacing <= 20 ? options.Lone : 0;
        var window = 25 + options.IdleSettleSeconds + options.IdleSeconds + (lone * spacing);
        Console.WriteLine(FormattableString.Invariant($"{window:0} {lone} {spacing:0}"));
        return 0;
    }

    public static int Pick(Options options)
    {
        var best = Best(Load(options.InputDir!).Where(r => !r.Extended), options.TargetBoundSeconds);
        if (best is null)
        {
            Console.Error.WriteLine("No configuration finished: nothing to pick.");
            return 1;
        }
        Console.WriteLine($"{best.Partitions} {best.Polling}");
        return 0;
    }

    public static async Task<int> RenderAsync(Options options)
    {
        var results = Load(options.InputDir!);
        var bound = options.TargetBoundSeconds;
        var first = results.FirstOrDefault();
        var md = new StringBuilder();
        md.Append("# UrgeShipment settings sweep\n\n");
        md.Append(CultureInfo.InvariantCulture,
            $"Run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; machine: {Environment.ProcessorCount} cores (nproc), {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; " +
            $"source {(options.Revision.Length > 0 ? options.Revision : "?")}. ");
        if (first is not null)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"M = {first.M} real-timer tickets in a burst (and {first.Lone?.Tickets ?? 0} lone ones where the polling interval allows), {first.Jump?.Tickets} after the jump, N = {first.N} seller-reply lifecycles, concurrency {first.Concurrency}; real timers on the seconds-window policy `benchfast` " +
                $"(grace 0; its reply window is set per configuration so that the host is idle, its pollers fully backed off, before the first deadline; the idle window lies in that wait); " +
                $"not lapsed = no lapse within {F(first.LapseBoundSeconds)} s of the lapse time. ");
        }
        if (options.Notes.Length > 0)
        {
            md.Append(options.Notes).Append(' ');
        }
        md.Append("Each configuration is a fresh self-host process (Release, `host.json` from the repo root plus the `AzureFunctionsJobHost__extensions__durableTask__…` " +
            "overrides shown, its own hub, watchdog off, dev clock on) on a fresh Azurite of its own, all on 127.0.0.1. Produced by `bench/settings.sh`; what each figure means: bench/README.md.\n\n");

        md.Append(CultureInfo.InvariantCulture,
            $"| # | partitionCount | maxQueuePollingInterval | extendedSessions | real timers, lone: lateness of each (s) | real timers, burst of {first?.M}: p50 / p99 / max (s) | after a jump: p50 / p99 / max (s) | early (all tests) | not lapsed within {F(first?.LapseBoundSeconds)} s (all tests) | reply lifecycles/s | storage req / reply lifecycle | idle req/s without dev clock (with) | peak RSS (MiB) | every lapse ≤ {F(bound)} s late, none early |\n");
        md.Append("|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        foreach (var r in results)
        {
            var lone = r.Lone is null ? "—" : r.LoneLateness.Count == 0 ? (r.Lone.Tickets == 0 ? "not run" : "none lapsed") : string.Join(", ", r.LoneLateness.Select(l => F(l)));
            md.Append(CultureInfo.InvariantCulture,
                $"| {r.Sequence} | {r.Partitions} | {r.Polling} | {(r.Extended ? "true" : "false")} | {lone} | {Triple(r.RealTimer)} | {Triple(r.Jump)} | {Count(r.Early)} | {Count(r.NotLapsed)} | " +
                $"{F(r.ReplyLifecyclesPerSecond)} | {F(r.RequestsPerReplyLifecycle)} | " +
                $"{F(r.IdleRequestsPerSecondWithoutDevClock)} ({F(r.IdleRequestsPerSecond)}) | {F(r.PeakRssMiB)} | {(r.Error is not null ? "failed" : r.MeetsBound(bound) ? "yes" : "no")} |\n");
        }
        md.Append('\n');

        var best = Best(results, bound);
        if (best is not null)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"By the rule (every lapse in all three lapse tests within {F(bound)} s of its lapse time, none early, none missing; then the lowest idle cost without the dev clock): " +
                $"**#{best.Sequence}: partitionCount {best.Partitions}, maxQueuePollingInterval {best.Polling}, extendedSessionsEnabled {(best.Extended ? "true" : "false")}**" +
                $"{(best.MeetsBound(bound) ? "" : $" (none meets the bound; this one has the lowest worst lateness)")}.\n\n");
        }

        md.Append("## Details\n\n");
        foreach (var r in results)
        {
            md.Append(CultureInfo.InvariantCulture, $"**#{r.Sequence} {r.Label}** ({F(r.DurationSeconds)} s). ");
            if (r.Error is not null)
            {
                md.Append("Failed: ").Append(r.Error).Append(' ');
            }
            md.Append(CultureInfo.InvariantCulture, $"Idle ({F(r.IdleSeconds)} s window after a {F(r.IdleSettleSeconds)} s settle wait; per s): {string.Join(", ", r.IdleByOperation.OrderByDescending(kv => kv.Value).Select(kv => $"`{kv.Key}` {F(kv.Value)}"))}. ");
            if (r.RealTimer is { } real)
            {
                md.Append(CultureInfo.InvariantCulture,
                    $"Real timers (reply window {F(r.FastWindowSeconds)} s; {(r.Lone is { Tickets: > 0 } l ? $"{l.Tickets} lone deadlines {F(r.LoneSpacingSeconds)} s apart" : $"no lone deadlines: they would need {F(r.LoneSpacingSeconds)} s each")}, then the burst): burst {real.Lapsed} of {real.Tickets} lapsed, earliest {F(real.Min)} s; opened in {F(real.OpenSeconds)} s, {real.OpenedAfterDeadline} opened after their deadline; " +
                    $"host histogram {F(real.HistogramCount)} lapses, mean {F(real.HistogramMean)} s; {F(real.RequestsPerTicket)} storage req per ticket (open + lapse + compensation + notices, without the idle window). ");
            }
            if (r.Jump is { } jump)
            {
                md.Append(CultureInfo.InvariantCulture,
                    $"Jump ×{jump.Tickets}: {jump.Lapsed} lapsed, earliest {F(jump.Min)} s, {jump.LapsedBeforeJump} before the jump; `POST /api/dev/clock` took {F(jump.ProbeCallSeconds)} s (1 s probe) and {F(jump.JumpCallSeconds)} s (the jump, to {F(jump.LeadSeconds)} s before the earliest lapse time); " +
                    $"host histogram {F(jump.HistogramCount)} lapses, mean {F(jump.HistogramMean)} s; {F(jump.RequestsPerTicket)} storage req per ticket. ");
            }
            if (r.Accepted > 0)
            {
                md.Append(CultureInfo.InvariantCulture, $"{r.Accepted} commands answered 202 (waited for). ");
            }
            md.Append("\n\n");
        }

        var text = md.ToString();
        if (options.ResultsPath is { Length: > 0 } path)
        {
            var kept = File.Exists(path) ? HandWritten(await File.ReadAllTextAsync(path)) : "";
            await File.WriteAllTextAsync(path, text + kept);
        }
        Console.WriteLine(text);
        return 0;
    }

    /// <summary>A section headed "## Recommendation" written by hand is not numbers of this run: dropped, and flagged, on a new run.</summary>
    private static string HandWritten(string previous) =>
        previous.Contains("\n## Recommendation", StringComparison.Ordinal)
            ? "## Recommendation\n\n(The recommendation of an earlier run was here; its numbers no longer apply. Write a new one from the table above.)\n"
            : "";

    private static string Triple(LapseStats? s) => s is null ? "—" : $"{F(s.P50)} / {F(s.P99)} / {F(s.Max)}";

    private static string Count(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "—";
}
