using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using UrgeShipment.Bench;

// Benchmarks a running UrgeShipment host through its HTTP contract and GET /metrics. See bench/README.md.
var options = Options.Parse(args);
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(options.TimeoutMinutes));
var ct = cancel.Token;
using var host = new HostClient(options);
var report = new Report(options);
var log = Console.Error;

await host.SyncClockAsync(ct);
log.WriteLine($"Host clock {HostClient.Iso(host.HostNow)}; N={options.N}, concurrency {options.Concurrency}, idle window {options.IdleSeconds} s");

// ---- warm-up: one full seller-reply lifecycle (JIT, connections, tables), then the cost of one GET ticket ----
var warm = await Phases.SellerReplyAsync(host, "warm", 1, 1, ct);
await Phases.SettledAsync(host, warm.TicketIds, Phases.IsCompleted, ct);
await Phases.WaitQuietAsync(host, null, ct);
var perRead = await Phases.CalibrateReadAsync(host, warm.TicketIds[0], ct);
log.WriteLine($"One GET ticket costs {string.Join(", ", perRead.Select(kv => $"{kv.Key} {kv.Value:0.##}"))} (subtracted from every phase)");

// ---- 1. idle ----
await Phases.WaitQuietAsync(host, null, ct);
var idle0 = await host.ScrapeAsync(ct);
await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds / 2.0), ct);
var idle1 = await host.ScrapeAsync(ct);
await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds / 2.0), ct);
var idle2 = await host.ScrapeAsync(ct);
report.Idle(Delta.Between(idle0, idle2), (idle2.At - idle0.At).TotalSeconds, Delta.Between(idle1, idle2), (idle2.At - idle1.At).TotalSeconds);
log.WriteLine($"Idle: {Delta.Between(idle0, idle2).StorageTotal} requests in {(idle2.At - idle0.At).TotalSeconds:0.#} s");

// ---- 2. seller-reply lifecycles ----
{
    var before = await host.ScrapeAsync(ct);
    var reads0 = host.TicketReads;
    var run = await Phases.SellerReplyAsync(host, "reply", options.N, options.Concurrency, ct);
    var (_, lastChange) = await Phases.WaitQuietAsync(host, null, ct);
    await Phases.SettledAsync(host, run.TicketIds, Phases.IsCompleted, ct);
    (_, lastChange) = await Phases.WaitQuietAsync(host, lastChange, ct);
    var after = await host.ScrapeAsync(ct);
    var delta = Delta.Between(before, after).Minus(perRead, host.TicketReads - reads0);
    report.SellerReply(run, delta, (lastChange - run.Started).TotalSeconds);
    log.WriteLine($"Seller reply: {options.N} in {(lastChange - run.Started).TotalSeconds:0.##} s, {delta.StorageTotal / options.N:0.##} requests each");
}

// ---- 3. lapse lifecycles: taobao (escalates, no money), xiaohongshu (compensation settles, notices) ----
foreach (var marketplace in new[] { "taobao", "xiaohongshu" })
{
    var lapse = await Phases.LapseAsync(host, marketplace, options.N, options.Concurrency, perRead, ct);
    report.Lapse(lapse);
    log.WriteLine($"Lapse {marketplace}: {lapse.Delta.StorageTotal / options.N:0.##} requests each; reaction p99 {lapse.ReactionP99:0.###} s; early {lapse.Early}");
}

var markdown = report.Render();
Console.WriteLine(markdown);
if (options.ResultsPath is { Length: > 0 } path)
{
    await File.WriteAllTextAsync(path, markdown, ct);
    log.WriteLine($"Written to {path}");
}
return 0;

namespace UrgeShipment.Bench
{
    internal sealed class Options
    {
        public Uri BaseUrl { get; private set; } = new("http://127.0.0.1:7071");
        public string AdminKey { get; private set; } = "";
        public string SellerKey { get; private set; } = "";
        public string Shop { get; private set; } = "shop-bench";
        public Dictionary<string, string> Secrets { get; } = new(StringComparer.Ordinal);
        public int N { get; private set; } = 300;
        public int Concurrency { get; private set; } = 16;
        public int IdleSeconds { get; private set; } = 60;
        public int TimeoutMinutes { get; private set; } = 30;
        public string? ResultsPath { get; private set; }
        public string Revision { get; private set; } = "";
        public string? Hub { get; set; }

        public static Options Parse(string[] args)
        {
            var o = new Options();
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                var v = args[i + 1];
                switch (args[i])
                {
                    case "--base": o.BaseUrl = new Uri(v); break;
                    case "--admin-key": o.AdminKey = v; break;
                    case "--seller-key": o.SellerKey = v; break;
                    case "--shop": o.Shop = v; break;
                    case "--secret-xiaohongshu": o.Secrets["xiaohongshu"] = v; break;
                    case "--secret-taobao": o.Secrets["taobao"] = v; break;
                    case "--n": o.N = Math.Clamp(int.Parse(v, CultureInfo.InvariantCulture), 1, 100_000); break;
                    case "--concurrency": o.Concurrency = Math.Clamp(int.Parse(v, CultureInfo.InvariantCulture), 1, 256); break;
                    case "--idle-seconds": o.IdleSeconds = Math.Clamp(int.Parse(v, CultureInfo.InvariantCulture), 2, 3600); break;
                    case "--timeout-minutes": o.TimeoutMinutes = Math.Clamp(int.Parse(v, CultureInfo.InvariantCulture), 1, 240); break;
                    case "--results": o.ResultsPath = v; break;
                    case "--revision": o.Revision = v; break;
                    default: throw new ArgumentException($"Unknown argument {args[i]}.");
                }
            }
            if (o.AdminKey.Length == 0 || o.SellerKey.Length == 0 || !o.Secrets.ContainsKey("xiaohongshu") || !o.Secrets.ContainsKey("taobao"))
            {
                throw new ArgumentException("Needs --admin-key, --seller-key, --secret-xiaohongshu and --secret-taobao (bench/run.sh passes them).");
            }
            return o;
        }
    }

    internal sealed record Run(List<string> TicketIds, DateTimeOffset Started, DateTimeOffset CallsDone, List<double> LatenciesMs);

    internal sealed record LapseResult(string Marketplace, int N, Delta Delta, Delta JumpDelta, int FiredBeforeJump, List<double> ReactionSeconds,
        int Early, Dictionary<string, int> States, double SettleSeconds)
    {
        public double ReactionP50 => Stats.Quantile(ReactionSeconds, 0.5);
        public double ReactionP99 => Stats.Quantile(ReactionSeconds, 0.99);
    }

    internal static class Stats
    {
        public static double Quantile(List<double> values, double q)
        {
            if (values.Count == 0)
            {
                return double.NaN;
            }
            var sorted = values.Order().ToList();
            return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
        }
    }

    internal static class Phases
    {
        private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);

        public static bool IsCompleted(JsonObject t) => (string?)t["state"] == "completed" && WorkSettled(t);

        public static bool WorkSettled(JsonObject t) =>
            t["work"] is JsonArray work && work.All(w => (string?)w?["status"] != "pending");

        /// <summary>N lifecycles: signed buyer.urged → seller reply "delay" → order.shipped (complete).</summary>
        public static async Task<Run> SellerReplyAsync(HostClient host, string prefix, int n, int concurrency, CancellationToken ct)
        {
            var ids = new string[n];
            var latencies = new double[n];
            var tag = Guid.NewGuid().ToString("N")[..8];
            await host.SyncClockAsync(ct);
            var started = DateTimeOffset.UtcNow;
            await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (i, token) =>
            {
                var clock = Stopwatch.StartNew();
                var order = $"{prefix}-{tag}-{i}";
                var id = await host.UrgeAsync("xiaohongshu", order, token);
                await host.ReplyDelayAsync(id, token);
                await host.ShippedAsync("xiaohongshu", order, token);
                ids[i] = id;
                latencies[i] = clock.Elapsed.TotalMilliseconds;
            });
            return new Run([.. ids], started, DateTimeOffset.UtcNow, [.. latencies]);
        }

        /// <summary>Opens N tickets, moves the host clock past the reply window (PT24H3M), waits until every ticket lapsed and settled.</summary>
        public static async Task<LapseResult> LapseAsync(HostClient host, string marketplace, int n, int concurrency, IReadOnlyDictionary<string, double> perRead, CancellationToken ct)
        {
            await WaitQuietAsync(host, null, ct);
            var before = await host.ScrapeAsync(ct);
            var reads0 = host.TicketReads;
            var ids = new string[n];
            var tag = Guid.NewGuid().ToString("N")[..8];
            await host.SyncClockAsync(ct);
            await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (i, token) =>
                ids[i] = await host.UrgeAsync(marketplace, $"lapse-{marketplace}-{tag}-{i}", token));
            await WaitQuietAsync(host, null, ct);
            var preJump = await host.ScrapeAsync(ct);
            var firedBeforeJump = (int)Delta.Between(before, preJump).TimersFired;

            await host.SyncClockAsync(ct);
            var jumpAt = host.HostNow + TimeSpan.FromMinutes(24 * 60 + 3); // the host clock right after the jump
            var jumpedLocal = DateTimeOffset.UtcNow;
            await host.AdvanceClockAsync("PT24H3M", ct);
            await host.SyncClockAsync(ct);
            var (_, lastChange) = await WaitQuietAsync(host, null, ct);
            var tickets = await SettledAsync(host, [.. ids], t => (string?)t["state"] != "awaiting_seller_reply" && WorkSettled(t), ct);
            (_, lastChange) = await WaitQuietAsync(host, lastChange, ct);
            var after = await host.ScrapeAsync(ct);

            var reactions = new List<double>();
            var early = 0;
            var states = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var t in tickets)
            {
                var key = (string?)t["state"] + "/" + ((string?)t["outcome"] ?? "-");
                states[key] = states.GetValueOrDefault(key) + 1;
                foreach (var h in t["history"]!.AsArray().OfType<JsonObject>().Where(h => (string?)h["type"] == "deadline_lapsed"))
                {
                    var at = DateTimeOffset.Parse((string)h["at"]!, CultureInfo.InvariantCulture);
                    var due = DateTimeOffset.Parse((string)h["dueAt"]!, CultureInfo.InvariantCulture);
                    reactions.Add((at - jumpAt).TotalSeconds);
                    if (at < due)
                    {
                        early++;
                    }
                }
            }
            var delta = Delta.Between(before, after).Minus(perRead, host.TicketReads - reads0);
            return new LapseResult(marketplace, n, delta, Delta.Between(preJump, after), firedBeforeJump, reactions, early, states,
                (lastChange - jumpedLocal).TotalSeconds);
        }

        /// <summary>The storage requests of one GET /api/tickets/{id} (table operations only; queues are never read by it).</summary>
        public static async Task<Dictionary<string, double>> CalibrateReadAsync(HostClient host, string ticketId, CancellationToken ct)
        {
            const int reads = 20;
            var before = await host.ScrapeAsync(ct);
            for (var i = 0; i < reads; i++)
            {
                await host.TicketAsync(ticketId, ct);
            }
            var after = await host.ScrapeAsync(ct);
            return Delta.Between(before, after).Storage.Where(kv => kv.Key.StartsWith("table.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value / reads, 2), StringComparer.Ordinal);
        }

        /// <summary>Waits (bounded) until every ticket satisfies <paramref name="done"/>; returns their last views.</summary>
        public static async Task<List<JsonObject>> SettledAsync(HostClient host, IReadOnlyList<string> ids, Func<JsonObject, bool> done, CancellationToken ct)
        {
            var views = new JsonObject?[ids.Count];
            var pending = Enumerable.Range(0, ids.Count).ToList();
            var deadline = Stopwatch.StartNew();
            while (pending.Count > 0)
            {
                if (deadline.Elapsed > TimeSpan.FromMinutes(5))
                {
                    throw new TimeoutException($"{pending.Count} of {ids.Count} tickets not settled after 5 minutes, e.g. {views[pending[0]]?.ToJsonString()}");
                }
                await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
                    views[i] = await host.TicketAsync(ids[i], token));
                pending = [.. pending.Where(i => !done(views[i]!))];
                if (pending.Count > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
            }
            return [.. views.Select(v => v!)];
        }

        /// <summary>
        /// Waits (bounded, 10 min) until the work counters (commits, activities, timers, storage writes) have not moved for 3 s.
        /// Returns the last scrape and the time the counters last moved (<paramref name="lastChange"/> when they never did).
        /// </summary>
        public static async Task<(Scrape Last, DateTimeOffset LastChange)> WaitQuietAsync(HostClient host, DateTimeOffset? lastChange, CancellationToken ct)
        {
            var scrape = await host.ScrapeAsync(ct);
            var signal = scrape.WorkSignal;
            var changed = lastChange ?? scrape.At;
            var quietSince = scrape.At;
            var bound = Stopwatch.StartNew();
            while (scrape.At - quietSince < Quiet)
            {
                if (bound.Elapsed > TimeSpan.FromMinutes(10))
                {
                    throw new TimeoutException("The host did not go quiet within 10 minutes.");
                }
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
                scrape = await host.ScrapeAsync(ct);
                if (scrape.WorkSignal != signal)
                {
                    signal = scrape.WorkSignal;
                    changed = scrape.At;
                    quietSince = scrape.At;
                }
            }
            return (scrape, changed);
        }
    }
}
