using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using UrgeShipment.Functions.Hosting;

namespace UrgeShipment.Bench.Baseline;

/// <summary>
/// The baseline's phases, the same as ours (bench/Bench/OursRun.cs): warm-up, reply lifecycles ×N, lapse lifecycles ×N on
/// real timers all due within the same second (the idle window inside their wait), peak RSS, then BENCH_OPEN
/// orchestrations waiting on far timers and the RSS with them.
/// </summary>
internal sealed class BaselineRun(BaselineOptions o, DurableTaskClient client, StorageRequestCounter counter, SideResult result)
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _latency = new(StringComparer.Ordinal);

    private Dictionary<string, double> Snapshot() => counter.Snapshot().ToDictionary(kv => kv.Key, kv => (double)kv.Value, StringComparer.Ordinal);

    public async Task RunAsync(CancellationToken ct)
    {
        var quiet = TimeSpan.FromSeconds(o.QuietSeconds);
        var phase = TimeSpan.FromMinutes(o.PhaseMinutes);

        // warm-up: one reply lifecycle (JIT, connections), then quiet. Right after the worker starts, DTF now and then
        // leaves the very first instance's ExecutionStarted message invisible until its visibility timeout (5 min with DTF's
        // defaults): an attempt gets 45 s, then another instance is tried (up to 3), and the run notes it.
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            if (await ReplyAsync($"warm{attempt}", 1, 1, TimeSpan.FromSeconds(45), record: false, ct) == 1)
            {
                break;
            }
            result.Notes.Add($"warm-up attempt {attempt}: the first instance did not complete within 45 s (a DTF start-up race; it completes after the control queue's visibility timeout, possibly inside a later phase).");
        }
        await QuietAsync(quiet, ct);
        _latency.Clear();

        // reply lifecycles ×N
        {
            var before = Snapshot();
            var started = DateTimeOffset.UtcNow;
            var done = await ReplyAsync("reply", o.N, o.Concurrency, phase, record: true, ct);
            var (end, endAt) = await QuietAsync(quiet, ct);
            result.ReplyCompleted = done;
            result.ReplySeconds = (endAt - started).TotalSeconds;
            result.ReplyRequests = Counts.Between(before, end);
            Progress.Line($"reply ×{done}/{o.N}: {done / result.ReplySeconds:0.##}/s, {result.ReplyRequests.Values.Sum() / Math.Max(1, done):0.#} requests each");
        }

        await LapseAsync(quiet, phase, ct);
        if (double.IsNaN(result.IdleSeconds))
        {
            await IdleAsync("after the lapse phase", quiet, ct);
        }
        result.PeakRssMiB = Counts.RssMiB(Environment.ProcessId, "VmHWM");
        await OpenAsync(quiet, ct);
        result.LatencyMs = _latency.ToDictionary(kv => kv.Key, kv => kv.Value.ToList(), StringComparer.Ordinal);
    }

    /// <summary>N lifecycles: schedule (until started) → "reply" (until seen) → "shipped" (until the orchestrator returned).</summary>
    private async Task<int> ReplyAsync(string prefix, int n, int concurrency, TimeSpan bound, bool record, CancellationToken ct)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var done = 0;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(bound);
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = limit.Token }, async (i, token) =>
            {
                var id = $"{prefix}-{tag}-{i}";
                var clock = Stopwatch.StartNew();
                await client.ScheduleNewOrchestrationInstanceAsync(UrgeOrchestrator.Name, new UrgeInput(DateTimeOffset.UtcNow.AddDays(1)), new StartOrchestrationOptions(id), token);
                await Signals.When(id, Stage.Opened).WaitAsync(token);
                Record(record, "open (schedule → started)", clock);
                clock.Restart();
                await client.RaiseEventAsync(id, "reply", "delay", token);
                await Signals.When(id, Stage.Replied).WaitAsync(token);
                Record(record, "reply (raise → seen)", clock);
                clock.Restart();
                await client.RaiseEventAsync(id, "shipped", "SF", token);
                await Signals.When(id, Stage.Done).WaitAsync(token);
                Record(record, "shipped (raise → completed)", clock);
                Signals.Forget(id);
                if (Interlocked.Increment(ref done) % 100 == 0 && record)
                {
                    Progress.Line($"{prefix}: {done} of {n} lifecycles done");
                }
            });
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            result.Notes.Add($"{prefix}: {done} of {n} lifecycles completed within the phase bound ({bound.TotalMinutes:0.#} min).");
            Progress.Line($"{prefix}: phase bound reached, {done} of {n} completed");
        }
        return done;
    }

    private void Record(bool record, string type, Stopwatch clock)
    {
        if (record)
        {
            _latency.GetOrAdd(type, _ => []).Add(clock.Elapsed.TotalMilliseconds);
        }
    }

    /// <summary>
    /// N orchestrations whose timers are all due at the same instant T, chosen so that opening, the quiet wait, the settle
    /// wait (the pollers back off) and the idle window all pass before it. Requests are counted over the opening and
    /// from 2 s before T until the last lapse settled (the wait between is the idle window's, reported apart).
    /// </summary>
    private async Task LapseAsync(TimeSpan quiet, TimeSpan bound, CancellationToken ct)
    {
        var settle = SettleSeconds();
        result.IdleSettleSeconds = settle;
        // opening is about as fast as a third of a reply lifecycle; twice that, plus the waits
        var perOpen = result.ReplyCompleted > 0 ? result.ReplySeconds / result.ReplyCompleted / 3 : 0.1;
        var openEstimate = Math.Min(bound.TotalSeconds, 10 + (2 * o.N * perOpen));
        var due = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(openEstimate + o.QuietSeconds + 5 + settle + o.IdleSeconds + 3);
        Progress.Line($"lapse ×{o.N}: all due at {due:HH:mm:ss.fff} (in {(due - DateTimeOffset.UtcNow).TotalSeconds:0} s)");
        var before = Snapshot();
        var started = DateTimeOffset.UtcNow;
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ids = new ConcurrentBag<string>();
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            limit.CancelAfter(due - DateTimeOffset.UtcNow - TimeSpan.FromSeconds(1));
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, o.N), new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency, CancellationToken = limit.Token }, async (i, token) =>
                {
                    var id = $"lapse-{tag}-{i}";
                    await client.ScheduleNewOrchestrationInstanceAsync(UrgeOrchestrator.Name, new UrgeInput(due), new StartOrchestrationOptions(id), token);
                    await Signals.When(id, Stage.Opened).WaitAsync(token);
                    ids.Add(id);
                });
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                result.Notes.Add($"lapse: {ids.Count} of {o.N} opened before their due time; the rest were not started.");
            }
        }
        var (opened, openedAt) = await QuietAsync(quiet, ct);
        result.LapseOpened = ids.Count;
        result.LapseOpenSeconds = (openedAt - started).TotalSeconds;
        result.LapseDueSpreadSeconds = 0; // one due instant for all
        var openRequests = Counts.Between(before, opened);
        Progress.Line($"lapse: {ids.Count} opened in {result.LapseOpenSeconds:0.#} s");

        // idle, inside the wait: settle, then the window if it ends ≥ 2 s before T
        await Task.Delay(TimeSpan.FromSeconds(settle), ct);
        if (DateTimeOffset.UtcNow + TimeSpan.FromSeconds(o.IdleSeconds + 2) <= due)
        {
            await IdleWindowAsync("in the wait for the lapse timers", ct);
        }
        else
        {
            Progress.Line("lapse: no room for the idle window before the due time; measured after the lapse phase");
        }
        var wait = due - TimeSpan.FromSeconds(2) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, ct);
        }
        var atDue = Snapshot();
        var until = Stopwatch.StartNew();
        while (ids.Any(id => !Signals.Lapsed.ContainsKey(id) || !Signals.When(id, Stage.Done).IsCompleted) && until.Elapsed < TimeSpan.FromSeconds(o.LapseBoundSeconds + 2))
        {
            await Task.Delay(100, ct);
        }
        var (end, endAt) = await QuietAsync(quiet, ct);
        result.LapseSettleSeconds = (endAt - due).TotalSeconds;
        result.LapseRequests = Sum(openRequests, Counts.Between(atDue, end));
        result.Lateness = [.. ids.Where(Signals.Lapsed.ContainsKey).Select(id => Signals.Lapsed[id])];
        result.LapseLapsed = result.Lateness.Count;
        var earlyByOrchestration = ids.Count(id => Signals.TimerSeen.TryGetValue(id, out var seen) && seen < due.UtcDateTime);
        result.Notes.Add($"lapse: {earlyByOrchestration} of {ids.Count} orchestrations saw their timer fire (CurrentUtcDateTime of that episode) before the due time.");
        Progress.Line($"lapse: {result.LapseLapsed}/{ids.Count} lapsed; fired − due p50 {Stats.Quantile(result.Lateness, 0.5):0.###} / p99 {Stats.Quantile(result.Lateness, 0.99):0.###} / max {Stats.Max(result.Lateness):0.###} s, {result.Early} early");
        foreach (var id in ids)
        {
            Signals.Forget(id);
        }
    }

    private async Task IdleAsync(string when, TimeSpan quiet, CancellationToken ct)
    {
        await QuietAsync(quiet, ct);
        await Task.Delay(TimeSpan.FromSeconds(SettleSeconds()), ct);
        await IdleWindowAsync(when, ct);
    }

    private async Task IdleWindowAsync(string when, CancellationToken ct)
    {
        var idle0 = Snapshot();
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(o.IdleSeconds), ct);
        result.IdleRequests = Counts.Between(idle0, Snapshot());
        result.IdleSeconds = clock.Elapsed.TotalSeconds;
        result.IdleWhen = when;
        Progress.Line($"idle ({when}): {result.IdleRequests.Values.Sum() / result.IdleSeconds:0.###} requests/s over {result.IdleSeconds:0} s");
    }

    /// <summary>BENCH_OPEN orchestrations waiting on timers a day away (bounded); then the RSS once they are all open and the process is quiet.</summary>
    private async Task OpenAsync(TimeSpan quiet, CancellationToken ct)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var opened = 0;
        var started = Stopwatch.StartNew();
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            limit.CancelAfter(TimeSpan.FromMinutes(o.OpenMinutes));
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, o.Open), new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency, CancellationToken = limit.Token }, async (i, token) =>
                {
                    var id = $"open-{tag}-{i}";
                    await client.ScheduleNewOrchestrationInstanceAsync(UrgeOrchestrator.Name, new UrgeInput(DateTimeOffset.UtcNow.AddDays(1)), new StartOrchestrationOptions(id), token);
                    await Signals.When(id, Stage.Opened).WaitAsync(token);
                    Signals.Forget(id);
                    if (Interlocked.Increment(ref opened) % 1000 == 0)
                    {
                        Progress.Line($"open: {opened} of {o.Open} after {started.Elapsed.TotalSeconds:0} s");
                    }
                });
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                result.Notes.Add($"open: {opened} of {o.Open} opened within the bound ({o.OpenMinutes:0.#} min).");
            }
        }
        var (_, endAt) = await QuietAsync(quiet, ct);
        result.Opened = opened;
        result.OpenSeconds = started.Elapsed.TotalSeconds - (DateTimeOffset.UtcNow - endAt).TotalSeconds;
        result.RssOpenMiB = Counts.RssMiB(Environment.ProcessId);
        Progress.Line($"open: {opened} waiting on their timers after {result.OpenSeconds:0} s; RSS {result.RssOpenMiB:0} MiB");
    }

    /// <summary>The pollers' back-off to maxQueuePollingInterval: 2 × the interval, 5–60 s.</summary>
    private double SettleSeconds()
    {
        var poll = TimeSpan.Parse(result.DtfSettings["MaxQueuePollingInterval"], System.Globalization.CultureInfo.InvariantCulture).TotalSeconds;
        return Math.Clamp(2 * poll, 5, 60);
    }

    /// <summary>Waits (bounded, 10 min) until the work operations have not moved for <paramref name="quietFor"/>; returns the counts and time of their last move.</summary>
    private async Task<(Dictionary<string, double> Counts, DateTimeOffset At)> QuietAsync(TimeSpan quietFor, CancellationToken ct)
    {
        var last = Snapshot();
        var lastAt = DateTimeOffset.UtcNow;
        var signal = Counts.Work(last);
        var bound = Stopwatch.StartNew();
        while (DateTimeOffset.UtcNow - lastAt < quietFor)
        {
            if (bound.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException("The baseline did not go quiet within 10 minutes.");
            }
            await Task.Delay(100, ct);
            var now = Snapshot();
            if (Counts.Work(now) != signal)
            {
                signal = Counts.Work(now);
                last = now;
                lastAt = DateTimeOffset.UtcNow;
            }
        }
        return (last, lastAt);
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
