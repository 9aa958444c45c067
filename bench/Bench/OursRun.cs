using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace UrgeShipment.Bench;

/// <summary>
/// bench/run.sh's "ours": the real self-host over HTTP, the same phases as bench/Baseline: warm-up, reply lifecycles ×N,
/// lapse lifecycles ×N on real timers all due at the same instant (the idle window inside their wait), peak RSS, then
/// BENCH_OPEN tickets waiting on their timers and the RSS with them. Storage requests from GET /metrics, minus the
/// storage requests of the benchmark's own GET ticket reads (calibrated once).
/// </summary>
internal static class OursRun
{
    public static async Task<int> RunAsync(Options o, HostClient host, CancellationToken ct)
    {
        Progress.Tag = "ours";
        var result = new SideResult
        {
            Side = "ours",
            Description = "the self-host (src/SelfHost, Release) over HTTP, host.json as shipped",
            N = o.N,
            Concurrency = o.Concurrency,
            OpenTarget = o.Open,
            LapseBoundSeconds = o.LapseBoundSeconds,
        };
        var clock = Stopwatch.StartNew();
        var code = 0;
        try
        {
            await MeasureAsync(o, host, result, ct);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or OperationCanceledException or IOException)
        {
            result.Error = e.GetType().Name + ": " + e.Message;
            Progress.Line("failed: " + result.Error);
            code = 1;
        }
        result.Notes.Add($"{host.Accepted} commands were answered 202 (durable, not applied within the host's wait); the benchmark waited for each to apply.");
        result.PeakRssEndMiB = Counts.RssMiB(o.HostPid, "VmHWM");
        result.DurationSeconds = clock.Elapsed.TotalSeconds;
        await result.WriteAsync(o.ResultsPath!);
        Progress.Line($"done in {result.DurationSeconds:0} s");
        return code;
    }

    private static async Task MeasureAsync(Options o, HostClient host, SideResult result, CancellationToken ct)
    {
        var quiet = TimeSpan.FromSeconds(o.QuietSeconds);
        var phase = TimeSpan.FromMinutes(o.PhaseMinutes);
        await host.SyncClockAsync(ct);

        // warm-up: one reply lifecycle, then the storage requests of one GET ticket (subtracted for every read the benchmark makes)
        var warm = await Phases.SellerReplyAsync(host, "warm", 1, 1, ct);
        await Phases.SettledAsync(host, warm.TicketIds, Phases.IsCompleted, ct);
        await Phases.WaitQuietAsync(host, quiet, ct);
        var perRead = await Phases.CalibrateReadAsync(host, warm.TicketIds[0], ct);
        Progress.Line($"one GET ticket costs {string.Join(", ", perRead.Select(kv => $"{kv.Key} {kv.Value:0.##}"))} (subtracted)");

        // reply lifecycles ×N
        {
            var before = await host.ScrapeAsync(ct);
            var reads0 = host.TicketReads;
            host.RecordLatency = true;
            var run = await Phases.SellerReplyAsync(host, "reply", o.N, o.Concurrency, ct, phase);
            host.RecordLatency = false;
            if (run.TicketIds.Count < o.N)
            {
                result.Notes.Add($"reply: {run.TicketIds.Count} of {o.N} lifecycles completed their three calls within the phase bound ({phase.TotalMinutes:0.#} min); the rest were abandoned and are not counted as completed.");
                Progress.Line($"reply: phase bound reached, {run.TicketIds.Count} of {o.N} completed");
            }
            await Phases.SettledAsync(host, run.TicketIds, Phases.IsCompleted, ct);
            var end = await Phases.WaitQuietAsync(host, quiet, ct);
            var delta = Delta.Between(before, end.LastMove).Minus(perRead, host.TicketReads - reads0);
            result.ReplyCompleted = run.TicketIds.Count;
            result.ReplySeconds = (end.LastChange - run.Started).TotalSeconds;
            result.ReplyRequests = delta.Storage;
            Progress.Line($"reply ×{result.ReplyCompleted}/{o.N}: {result.ReplyPerSecond:0.##}/s, {result.RequestsPerReply:0.#} requests each");
        }

        await LapseAsync(o, host, result, perRead, quiet, phase, ct);
        if (double.IsNaN(result.IdleSeconds))
        {
            await Phases.WaitQuietAsync(host, quiet, ct);
            await Task.Delay(TimeSpan.FromSeconds(o.IdleSettleSeconds), ct);
            await IdleWindowAsync(o, host, result, "after the lapse phase", ct);
        }
        result.PeakRssMiB = Counts.RssMiB(o.HostPid, "VmHWM");
        await OpenAsync(o, host, result, quiet, ct);
        result.LatencyMs = host.Latencies;
    }

    /// <summary>
    /// N tickets on the seconds-window policy <c>benchfast</c> (grace 0, reply window <c>--lapse-window-seconds</c>), their
    /// urges dated so that every reply deadline is the same instant T (deadline = occurredAt + window); T leaves room for
    /// opening, the quiet and settle waits and the idle window. Requests are counted over the opening and from 2 s before
    /// T until the last lapse settled.
    /// </summary>
    private static async Task LapseAsync(Options o, HostClient host, SideResult result, IReadOnlyDictionary<string, double> perRead, TimeSpan quiet, TimeSpan bound, CancellationToken ct)
    {
        result.IdleSettleSeconds = o.IdleSettleSeconds;
        var perOpen = result.ReplyCompleted > 0 ? result.ReplySeconds / result.ReplyCompleted / 3 : 0.2;
        var openEstimate = Math.Min(bound.TotalSeconds, 15 + (2 * o.N * perOpen));
        await host.SyncClockAsync(ct);
        var lead = TimeSpan.FromSeconds(openEstimate + o.QuietSeconds + 10 + o.IdleSettleSeconds + o.IdleSeconds + 3);
        var window = TimeSpan.FromSeconds(o.LapseWindowSeconds);
        if (lead > window - TimeSpan.FromSeconds(10))
        {
            lead = window - TimeSpan.FromSeconds(10);
            result.Notes.Add($"lapse: the lead to the due time was cut to {lead.TotalSeconds:0} s by the policy's reply window ({window.TotalSeconds:0} s; BENCH_LAPSE_WINDOW).");
        }
        var due = host.HostNow + lead;
        due = due.AddTicks(-(due.Ticks % TimeSpan.TicksPerSecond)); // a whole second
        var occurredAt = due - window;
        var dueLocal = due - (host.HostNow - DateTimeOffset.UtcNow);
        Progress.Line($"lapse ×{o.N}: all due at {due:HH:mm:ss} (in {(dueLocal - DateTimeOffset.UtcNow).TotalSeconds:0} s)");

        var before = await host.ScrapeAsync(ct);
        var reads0 = host.TicketReads;
        var started = DateTimeOffset.UtcNow;
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ids = new string?[o.N];
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            limit.CancelAfter(dueLocal - DateTimeOffset.UtcNow - TimeSpan.FromSeconds(1));
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, o.N), new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency, CancellationToken = limit.Token }, async (i, token) =>
                    ids[i] = await host.UrgeAsync(o.FastMarketplace, $"lapse-{tag}-{i}", token, occurredAt));
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                result.Notes.Add($"lapse: {ids.Count(i => i is not null)} of {o.N} opened before their due time; the rest were abandoned.");
            }
        }
        var opened = ids.OfType<string>().ToList();
        var views = await Phases.SettledAsync(host, opened, Phases.WorkSettled, ct); // the opening notices delivered
        var openEnd = await Phases.WaitQuietAsync(host, quiet, ct);
        var openDelta = Delta.Between(before, openEnd.LastMove).Minus(perRead, host.TicketReads - reads0);
        result.LapseOpened = opened.Count;
        result.LapseOpenSeconds = (openEnd.LastChange - started).TotalSeconds;
        var deadlines = views.Select(t => Phases.Time(t["deadlines"]!["reply"])).ToList();
        result.LapseDueSpreadSeconds = deadlines.Count == 0 ? double.NaN : (deadlines.Max() - deadlines.Min()).TotalSeconds;
        Progress.Line($"lapse: {opened.Count} opened in {result.LapseOpenSeconds:0.#} s; deadlines within {result.LapseDueSpreadSeconds:0.###} s of each other");

        await Task.Delay(TimeSpan.FromSeconds(o.IdleSettleSeconds), ct);
        if (DateTimeOffset.UtcNow + TimeSpan.FromSeconds(o.IdleSeconds + 2) <= dueLocal)
        {
            await IdleWindowAsync(o, host, result, "in the wait for the lapse timers", ct);
        }
        else
        {
            Progress.Line("lapse: no room for the idle window before the due time; measured after the lapse phase");
        }
        var wait = dueLocal - TimeSpan.FromSeconds(2) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, ct);
        }
        var atDue = await host.ScrapeAsync(ct);
        var reads1 = host.TicketReads;
        await Phases.LapsesAsync(host, atDue, opened.Count, dueLocal + TimeSpan.FromSeconds(o.LapseBoundSeconds), ct);
        views = await Phases.SettledAsync(host, opened, t => Phases.History(t, "deadline_lapsed").Any() && Phases.WorkSettled(t), ct, bound);
        var end = await Phases.WaitQuietAsync(host, quiet, ct);
        var lapseDelta = Delta.Between(atDue, end.LastMove).Minus(perRead, host.TicketReads - reads1);
        result.LapseSettleSeconds = (end.LastChange - dueLocal).TotalSeconds;
        result.LapseRequests = Sum(openDelta.Storage, lapseDelta.Storage);
        result.LapseOpenedAfterDue = views.Count(t => Phases.History(t, "ticket_opened").FirstOrDefault() is { } e && Phases.Time(e["recordedAt"]) >= Phases.Time(t["deadlines"]!["reply"]));
        result.Lateness = [.. views.SelectMany(t => Phases.History(t, "deadline_lapsed").Take(1).Select(h => (Phases.Time(h["at"]) - Phases.Time(t["deadlines"]!["reply"])).TotalSeconds))];
        result.LapseLapsed = result.Lateness.Count;
        result.Notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"lapse: the host's lateness histogram counted {lapseDelta.LatenessCount} lapses, mean {lapseDelta.LatenessMean:0.###} s."));
        Progress.Line($"lapse: {result.LapseLapsed}/{opened.Count} lapsed; fired − due p50 {Stats.Quantile(result.Lateness, 0.5):0.###} / p99 {Stats.Quantile(result.Lateness, 0.99):0.###} / max {Stats.Max(result.Lateness):0.###} s, {result.Early} early");
    }

    private static async Task IdleWindowAsync(Options o, HostClient host, SideResult result, string when, CancellationToken ct)
    {
        var idle0 = await host.ScrapeAsync(ct);
        await Task.Delay(TimeSpan.FromSeconds(o.IdleSeconds), ct);
        var idle1 = await host.ScrapeAsync(ct);
        result.IdleRequests = Delta.Between(idle0, idle1).Storage;
        result.IdleSeconds = (idle1.At - idle0.At).TotalSeconds;
        result.IdleWhen = when;
        Progress.Line($"idle ({when}): {result.IdleRps:0.###} requests/s over {result.IdleSeconds:0} s");
    }

    /// <summary>BENCH_OPEN xiaohongshu tickets (reply window 24 h: their timers a day away), bounded; then the host's RSS once quiet.</summary>
    private static async Task OpenAsync(Options o, HostClient host, SideResult result, TimeSpan quiet, CancellationToken ct)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var opened = 0;
        var started = DateTimeOffset.UtcNow;
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            limit.CancelAfter(TimeSpan.FromMinutes(o.OpenMinutes));
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, o.Open), new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency, CancellationToken = limit.Token }, async (i, token) =>
                {
                    await host.UrgeAsync("xiaohongshu", $"open-{tag}-{i}", token);
                    var k = Interlocked.Increment(ref opened);
                    if (k % 500 == 0)
                    {
                        Progress.Line($"open: {k} of {o.Open} after {(DateTimeOffset.UtcNow - started).TotalSeconds:0} s");
                    }
                });
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                result.Notes.Add($"open: {opened} of {o.Open} opened within the bound ({o.OpenMinutes:0.#} min, BENCH_OPEN_MINUTES).");
            }
        }
        var end = await Phases.WaitQuietAsync(host, quiet, ct);
        result.Opened = opened;
        result.OpenSeconds = (end.LastChange - started).TotalSeconds;
        result.RssOpenMiB = Counts.RssMiB(o.HostPid);
        Progress.Line($"open: {opened} waiting on their timers after {result.OpenSeconds:0} s; RSS {result.RssOpenMiB:0} MiB");
    }

    private static Dictionary<string, double> Sum(Dictionary<string, double> a, Dictionary<string, double> b)
    {
        var sum = new Dictionary<string, double>(a, StringComparer.Ordinal);
        foreach (var (op, v) in b)
        {
            sum[op] = sum.GetValueOrDefault(op) + v;
        }
        return sum;
    }
}
