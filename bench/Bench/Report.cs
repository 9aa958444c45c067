using System.Globalization;
using System.Text;

namespace UrgeShipment.Bench;

/// <summary>The markdown report: ours vs the Durable Functions baseline of DESIGN.md, then the per-operation breakdowns.</summary>
internal sealed class Report(Options options)
{
    private readonly List<string[]> _rows = [];
    private readonly StringBuilder _details = new();
    private readonly List<string> _notes = [];

    public void Idle(Delta whole, double seconds, Delta secondHalf, double halfSeconds)
    {
        var rate = whole.StorageTotal / seconds;
        var steady = secondHalf.StorageTotal / halfSeconds;
        _rows.Add(["Idle storage requests/s (whole window, right after warm-up)", F(rate), "0.7", Ratio(rate, 0.7), "lower"]);
        _rows.Add(["Idle storage requests/s (second half of the window)", F(steady), "0.7", Ratio(steady, 0.7), "lower"]);
        Breakdown($"Idle, {seconds:0} s window: requests by operation (per second)", whole.Storage, seconds);
    }

    public void SellerReply(Run run, Delta delta, double seconds)
    {
        var n = run.TicketIds.Count;
        var rate = n / seconds;
        var perLifecycle = delta.StorageTotal / n;
        _rows.Add(["Seller-reply lifecycles/s (first webhook → all settled)", F(rate), "46–60", $"{F(rate / 60)}–{F(rate / 46)}", "higher"]);
        _rows.Add(["Storage requests per seller-reply lifecycle (all the counter sees)", F(perLifecycle), "14.2", Ratio(perLifecycle, 14.2), "lower"]);
        Breakdown($"Seller-reply lifecycle ×{n}: requests per lifecycle by operation", delta.Storage, n);
        Counters(delta, n);
        _details.Append(CultureInfo.InvariantCulture,
            $"Client latency of one lifecycle's 3 HTTP calls (urge → reply → shipped), concurrency {options.Concurrency}: p50 {F(Stats.Quantile(run.LatenciesMs, 0.5))} ms, p99 {F(Stats.Quantile(run.LatenciesMs, 0.99))} ms; all HTTP calls done after {F((run.CallsDone - run.Started).TotalSeconds)} s, all settled after {F(seconds)} s.\n\n");
    }

    public void Lapse(LapseResult lapse)
    {
        var perLifecycle = lapse.Delta.StorageTotal / lapse.N;
        var what = lapse.Marketplace == "taobao" ? "taobao: escalates, complaint filed, no money" : "xiaohongshu: compensation settled, buyer notice";
        _rows.Add([$"Storage requests per lapse lifecycle ({what})", F(perLifecycle), "21.5", Ratio(perLifecycle, 21.5), "lower"]);
        _rows.Add([$"Lapse reaction after the clock jump, p50 / p99 ({lapse.Marketplace}; fired − jump, s)", $"{F(lapse.ReactionP50)} / {F(lapse.ReactionP99)}",
            "p99 5.8 (lateness)", Ratio(lapse.ReactionP99, 5.8) + " (p99)", "lower"]);
        _rows.Add([$"Timers fired early ({lapse.Marketplace})", $"{lapse.Early + lapse.FiredBeforeJump} of {lapse.ReactionSeconds.Count}", "up to 1 s early", "—", "0 required"]);
        var j = lapse.JumpDelta;
        var mean = j.LatenessCount > 0 ? j.LatenessSum / j.LatenessCount : double.NaN;
        _details.Append(CultureInfo.InvariantCulture,
            $"**Lapse {lapse.Marketplace} ×{lapse.N}.** End states: {string.Join(", ", lapse.States.Select(kv => $"{kv.Key} ×{kv.Value}"))}. " +
            $"Timers fired before the jump: {lapse.FiredBeforeJump} (nothing was due). After the jump: {j.TimersFired} timers fired, {j.Swept} re-fired by the sweeper, " +
            $"{j.Stale} stale wake-ups dropped; all settled {F(lapse.SettleSeconds)} s after the jump. " +
            $"Runtime lateness histogram (fired − timer due, includes the jump's overshoot past the due time): mean {F(mean)} s, " +
            $"p50 ≤ {F(j.LatenessQuantileUpperBound(0.5))} s, p99 ≤ {F(j.LatenessQuantileUpperBound(0.99))} s (bucket bounds); " +
            $"samples ≤ 0.05 s: {F(j.LatenessBuckets.GetValueOrDefault(0.05))}. Reaction (deadline_lapsed.at − clock after the jump, from each ticket's history): " +
            $"p50 {F(lapse.ReactionP50)} s, p99 {F(lapse.ReactionP99)} s, max {F(lapse.ReactionSeconds.DefaultIfEmpty(double.NaN).Max())} s.\n\n");
        Breakdown($"Lapse lifecycle ({lapse.Marketplace}) ×{lapse.N}: requests per lifecycle by operation (open + lapse + activities)", lapse.Delta.Storage, lapse.N);
        Counters(lapse.Delta, lapse.N);
    }

    public void Note(string note) => _notes.Add(note);

    public string Render()
    {
        var md = new StringBuilder();
        md.Append("# UrgeShipment benchmark results\n\n");
        md.Append(CultureInfo.InvariantCulture,
            $"Machine: {Environment.ProcessorCount} cores (nproc), {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; " +
            $"run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; source {(options.Revision.Length > 0 ? options.Revision : "?")}. " +
            $"N = {options.N} lifecycles per phase, concurrency {options.Concurrency}, idle window {options.IdleSeconds} s. ");
        md.Append("The real host process (Release) on its own Azurite, both on 127.0.0.1; counts from the host's `GET /metrics` " +
            "(`urgeshipment_durable_durable_storage_requests`), minus the benchmark's own GET ticket reads. Produced by `bench/run.sh`; see bench/README.md.\n\n");
        md.Append("| metric | ours | Durable Functions baseline | ratio ours/baseline | better |\n|---|---:|---:|---:|---|\n");
        foreach (var row in _rows)
        {
            md.Append("| ").Append(string.Join(" | ", row)).Append(" |\n");
        }
        md.Append('\n');
        foreach (var note in _notes)
        {
            md.Append("- ").Append(note).Append('\n');
        }
        if (_notes.Count > 0)
        {
            md.Append('\n');
        }
        md.Append("## Details\n\n").Append(_details);
        return md.ToString();
    }

    private void Breakdown(string title, Dictionary<string, double> storage, double divisor)
    {
        _details.Append("**").Append(title).Append(".** ");
        _details.Append(string.Join(", ", storage.Where(kv => Math.Abs(kv.Value) > 0.001).OrderByDescending(kv => kv.Value)
            .Select(kv => $"`{kv.Key}` {F(kv.Value / divisor)}")));
        _details.Append(CultureInfo.InvariantCulture, $"; total {F(storage.Values.Sum() / divisor)}.\n\n");
    }

    private void Counters(Delta d, int n) =>
        _details.Append(CultureInfo.InvariantCulture,
            $"Per lifecycle: {F(d.Commits / n)} commits, {F(d.ActivitiesRun / n)} activities, {F(d.TimersFired / n)} timers fired; " +
            $"in all: {d.Conflicts} ETag conflicts, {d.Retries} commit retries, {d.Duplicates} duplicate commands, {d.Stale} stale wake-ups dropped, {d.Orphans} orphans dropped.\n\n");

    private static string Ratio(double ours, double baseline) => F(ours / baseline) + "×";

    private static string F(double? value) => value switch
    {
        null => "—",
        { } v when double.IsNaN(v) => "—",
        { } v when double.IsPositiveInfinity(v) => "∞",
        { } v when Math.Abs(v) >= 100 => v.ToString("0", CultureInfo.InvariantCulture),
        { } v when Math.Abs(v) >= 10 => v.ToString("0.0", CultureInfo.InvariantCulture),
        { } v => v.ToString("0.##", CultureInfo.InvariantCulture),
    };
}
