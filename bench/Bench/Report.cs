using System.Globalization;
using System.Text;
using static UrgeShipment.Bench.Text;

namespace UrgeShipment.Bench;

/// <summary>
/// bench/run.sh's markdown report: our host (Durable Functions' engine, DTF on Azure Storage, with the whole app on top)
/// next to the bare-orchestration baseline measured for the old engine's design, then the per-operation breakdowns.
/// </summary>
internal sealed class Report(Options options)
{
    private readonly List<string[]> _rows = [];
    private readonly StringBuilder _details = new();
    private readonly List<string> _notes = [];
    private readonly List<string> _summary = [];
    private int _early;
    private double _idleRate = double.NaN;

    public void Idle(Delta whole, double seconds, Delta secondHalf, double halfSeconds)
    {
        var rate = whole.StorageTotal / seconds;
        var steady = secondHalf.StorageTotal / halfSeconds;
        var withoutClock = (whole.StorageTotal - whole.DevClockRefresh) / seconds;
        _idleRate = rate;
        _rows.Add(["Idle storage requests/s (whole window, right after warm-up)", F(rate), "0.7", Ratio(rate, 0.7), "lower"]);
        _rows.Add(["Idle storage requests/s (second half of the window)", F(steady), "0.7", Ratio(steady, 0.7), "lower"]);
        _rows.Add(["Idle storage requests/s without the dev clock's refresh (whole window)", F(withoutClock), "0.7", Ratio(withoutClock, 0.7), "lower"]);
        Breakdown($"Idle, {seconds:0} s window: requests by operation (per second)", whole.Storage, seconds);
        _details.Append(CultureInfo.InvariantCulture,
            $"The dev clock (`Clock:AllowTravel`, needed for the lapse phases, off in production) re-reads its offset every 2 s: one `table.createtable` and one `table.get`, {F(whole.DevClockRefresh / seconds)}/s here; the rest is DTF polling its queues (`queue.get`) and renewing its partition leases (`table.query`, `table.update`, `blob.lease`).\n\n");
        _summary.Add($"idle {F(rate)} req/s ({F(withoutClock)} without the dev clock)");
    }

    public void SellerReply(Run run, Delta delta, double seconds)
    {
        var n = run.TicketIds.Count;
        var rate = n / seconds;
        var perLifecycle = delta.StorageTotal / n;
        _rows.Add(["Seller-reply lifecycles/s (first webhook → all settled)", F(rate), "46–60", $"{F(rate / 60)}–{F(rate / 46)}", "higher"]);
        _rows.Add(["Storage requests per seller-reply lifecycle (all the counter sees)", F(perLifecycle), "14.2", Ratio(perLifecycle, 14.2), "lower"]);
        Breakdown($"Seller-reply lifecycle ×{n}: requests per lifecycle by operation", delta.Storage, n);
        IdleShare(seconds, n);
        _details.Append(CultureInfo.InvariantCulture,
            $"Client latency of one lifecycle's 3 HTTP calls (urge → reply → shipped), concurrency {options.Concurrency}: p50 {F(Stats.Quantile(run.LatenciesMs, 0.5))} ms, p99 {F(Stats.Quantile(run.LatenciesMs, 0.99))} ms; all HTTP calls done after {F((run.CallsDone - run.Started).TotalSeconds)} s, all settled after {F(seconds)} s.\n\n");
        _summary.Add($"seller reply {F(rate)} lifecycles/s, {F(perLifecycle)} req each");
    }

    public void Lapse(LapseResult lapse)
    {
        var perLifecycle = lapse.Delta.StorageTotal / lapse.N;
        var what = lapse.Marketplace == "taobao" ? "taobao: escalates, complaint filed, no money" : "xiaohongshu: compensation settled, buyer notice";
        _rows.Add([$"Storage requests per lapse lifecycle ({what})", F(perLifecycle), "21.5", Ratio(perLifecycle, 21.5), "lower"]);
        _rows.Add([$"Lapse reaction after the clock jump, p50 / p99 ({lapse.Marketplace}; lapsed − jump, s)", $"{F(lapse.ReactionP50)} / {F(lapse.ReactionP99)}",
            "p99 5.8 (real-timer lateness)", Ratio(lapse.ReactionP99, 5.8) + " (p99)", "lower"]);
        _rows.Add([$"Lapses before their lapse time ({lapse.Marketplace})", $"{lapse.Early + lapse.LapsedBeforeJump} of {lapse.ReactionSeconds.Count}", "timers up to 1 s early", "—", "0 required"]);
        _early += lapse.Early + lapse.LapsedBeforeJump;
        var j = lapse.JumpDelta;
        _details.Append(CultureInfo.InvariantCulture,
            $"**Lapse {lapse.Marketplace} ×{lapse.N}.** End states: {string.Join(", ", lapse.States.Select(kv => $"{kv.Key} ×{kv.Value}"))}. " +
            $"Lapses before the jump: {lapse.LapsedBeforeJump} (nothing was due). `POST /api/dev/clock` took {F(lapse.JumpCallSeconds)} s (it raises a clock signal to every running instance, earlier phases' too); " +
            $"all settled {F(lapse.SettleSeconds)} s after the jump. Reaction (deadline_lapsed.at − host clock right after the jump, from each ticket's history): " +
            $"p50 {F(lapse.ReactionP50)} s, p99 {F(lapse.ReactionP99)} s, max {F(Stats.Max(lapse.ReactionSeconds))} s. " +
            $"Lateness (deadline_lapsed.at − reply deadline − 120 s grace) is the jump's overshoot (PT24H3M ends about a minute past every lapse time) plus the reaction: " +
            $"p50 {F(Stats.Quantile(lapse.LatenessSeconds, 0.5))} s; the host's `urgeshipment_deadline_lapse_lateness` histogram counted {F(j.LatenessCount)} lapses, mean {F(j.LatenessMean)} s.\n\n");
        Breakdown($"Lapse lifecycle ({lapse.Marketplace}) ×{lapse.N}: requests per lifecycle by operation (open + jump signal + lapse + activities)", lapse.Delta.Storage, lapse.N);
        IdleShare(lapse.PhaseSeconds, lapse.N);
        _summary.Add($"lapse {lapse.Marketplace} {F(perLifecycle)} req each, reaction p99 {F(lapse.ReactionP99)} s");
    }

    public void Accepted(int count)
    {
        if (count > 0)
        {
            _notes.Add($"{count} commands were answered 202 (durable, not applied within the host's 10 s wait); the benchmark waited for each to apply.");
        }
    }

    public void Note(string note) => _notes.Add(note);

    /// <summary>One line for the end of bench/run.sh's output (informational; its final format is defined elsewhere).</summary>
    public string SummaryLine(string? resultsPath) =>
        $"bench: {string.Join("; ", _summary)}; early lapses {_early}{(resultsPath is { Length: > 0 } ? $"; details in {Path.GetFileName(resultsPath)}" : "")}";

    public string Render()
    {
        var md = new StringBuilder();
        md.Append("# UrgeShipment benchmark results\n\n");
        md.Append(CultureInfo.InvariantCulture,
            $"Machine: {Environment.ProcessorCount} cores (nproc), {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; " +
            $"run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; source {(options.Revision.Length > 0 ? options.Revision : "?")}. " +
            $"N = {options.N} lifecycles per phase, concurrency {options.Concurrency}, idle window {options.IdleSeconds} s. ");
        md.Append("The self-host (`src/SelfHost`, Release: the app's functions on the Durable Task Framework's Azure Storage backend, `host.json` " +
            "from the repo root) on its own Azurite, both on 127.0.0.1; counts from the host's `GET /metrics` " +
            "(`urgeshipment_storage_requests`: every request of DTF and of our tables), minus the benchmark's own GET ticket reads. " +
            "The baseline column is the bare Durable Functions orchestrations measured for the old engine's design: the same engine as ours now, " +
            "without our projections, notices and settlement, so the ratios show what the app costs on top. Produced by `bench/run.sh`; see bench/README.md.\n\n");
        md.Append("| metric | ours | Durable Functions baseline (bare orchestrations) | ratio ours/baseline | better |\n|---|---:|---:|---:|---|\n");
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

    /// <summary>How much of a phase's count an idle host would have made anyway in the phase's duration (polling, leases, dev clock).</summary>
    private void IdleShare(double seconds, int n) =>
        _details.Append(CultureInfo.InvariantCulture,
            $"Of these, about {F(_idleRate * seconds / n)} per lifecycle is what the idle host makes in the phase's {F(seconds)} s anyway (idle rate × duration ÷ N: polling, lease renewals, dev clock).\n\n");

    private static string Ratio(double ours, double baseline) => F(ours / baseline) + "×";
}
