using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace UrgeShipment.Bench;

internal sealed record Run(List<string> TicketIds, DateTimeOffset Started, DateTimeOffset CallsDone, List<double> LatenciesMs);

/// <summary>A phase's end: the last scrape, and the scrape (and time) at which the work signal last moved.</summary>
internal sealed record Quiet(Scrape Last, Scrape LastMove)
{
    public DateTimeOffset LastChange => LastMove.At;
}

internal static class Phases
{
    public static bool IsCompleted(JsonObject t) => (string?)t["state"] == "completed" && WorkSettled(t);

    public static bool WorkSettled(JsonObject t) =>
        t["work"] is JsonArray work && work.All(w => (string?)w?["status"] != "pending");

    public static DateTimeOffset Time(JsonNode? node) => DateTimeOffset.Parse((string)node!, CultureInfo.InvariantCulture);

    /// <summary>The ticket's history entries of one type.</summary>
    public static IEnumerable<JsonObject> History(JsonObject t, string type) =>
        t["history"]!.AsArray().OfType<JsonObject>().Where(h => (string?)h["type"] == type);

    /// <summary>
    /// N lifecycles: signed buyer.urged → seller reply "delay" → order.shipped (complete); stops starting new ones (and
    /// abandons those in flight) after <paramref name="bound"/>. Returns the lifecycles whose three calls all answered.
    /// </summary>
    public static async Task<Run> SellerReplyAsync(HostClient host, string prefix, int n, int concurrency, CancellationToken ct, TimeSpan? bound = null)
    {
        var ids = new string?[n];
        var latencies = new double[n];
        var done = 0;
        var tag = Guid.NewGuid().ToString("N")[..8];
        await host.SyncClockAsync(ct);
        var started = DateTimeOffset.UtcNow;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(bound ?? TimeSpan.FromHours(1));
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = limit.Token }, async (i, token) =>
            {
                var clock = Stopwatch.StartNew();
                var order = $"{prefix}-{tag}-{i}";
                var id = await host.UrgeAsync("xiaohongshu", order, token);
                await host.ReplyDelayAsync(id, token);
                await host.ShippedAsync("xiaohongshu", order, token);
                ids[i] = id;
                latencies[i] = clock.Elapsed.TotalMilliseconds;
                if (Interlocked.Increment(ref done) % 100 == 0)
                {
                    Progress.Line($"{prefix}: {done} of {n} lifecycles done");
                }
            });
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // the phase bound: report what completed
        }
        return new Run([.. ids.OfType<string>()], started, DateTimeOffset.UtcNow, [.. latencies.Where((_, i) => ids[i] is not null)]);
    }

    /// <summary>Opens N tickets on <paramref name="marketplace"/> (concurrently); returns their ids and when the first and last were answered.</summary>
    public static async Task<(List<string> Ids, DateTimeOffset Started, DateTimeOffset Done)> OpenAsync(HostClient host, string marketplace, string prefix, int n, int concurrency, CancellationToken ct)
    {
        var ids = new string[n];
        var tag = Guid.NewGuid().ToString("N")[..8];
        await host.SyncClockAsync(ct);
        var started = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (i, token) =>
            ids[i] = await host.UrgeAsync(marketplace, $"{prefix}-{marketplace}-{tag}-{i}", token));
        return ([.. ids], started, DateTimeOffset.UtcNow);
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
    public static async Task<List<JsonObject>> SettledAsync(HostClient host, IReadOnlyList<string> ids, Func<JsonObject, bool> done, CancellationToken ct,
        TimeSpan? bound = null)
    {
        var limit = bound ?? TimeSpan.FromMinutes(5);
        var views = new JsonObject?[ids.Count];
        var pending = Enumerable.Range(0, ids.Count).ToList();
        var deadline = Stopwatch.StartNew();
        while (pending.Count > 0)
        {
            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"{pending.Count} of {ids.Count} tickets not settled after {limit.TotalMinutes:0.#} minutes, e.g. {views[pending[0]]?.ToJsonString()}");
            }
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
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
    /// Waits until the lateness histogram has counted <paramref name="expected"/> more lapses than <paramref name="from"/>, or
    /// until <paramref name="until"/> (local time). Scrapes only (no storage request, nothing for the host to do but render).
    /// </summary>
    public static async Task<Scrape> LapsesAsync(HostClient host, Scrape from, int expected, DateTimeOffset until, CancellationToken ct)
    {
        while (true)
        {
            var scrape = await host.ScrapeAsync(ct);
            if (scrape.LapsesRecorded - from.LapsesRecorded >= expected || scrape.At >= until)
            {
                return scrape;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
    }

    /// <summary>
    /// Waits (bounded, 10 min) until the work signal (<see cref="Scrape.WorkSignal"/>: storage requests an idle host never
    /// makes, and recorded lapses) has not moved for <paramref name="quietFor"/>. An idle DTF host keeps polling its queues
    /// and renewing its leases, so "quiet" cannot mean "no storage request at all".
    /// </summary>
    public static async Task<Quiet> WaitQuietAsync(HostClient host, TimeSpan quietFor, CancellationToken ct)
    {
        var scrape = await host.ScrapeAsync(ct);
        var signal = scrape.WorkSignal;
        var lastMove = scrape;
        var bound = Stopwatch.StartNew();
        while (scrape.At - lastMove.At < quietFor)
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
                lastMove = scrape;
            }
        }
        return new Quiet(scrape, lastMove);
    }

    /// <summary>Peak resident set of a process (VmHWM in /proc/PID/status), MiB; null when unknown.</summary>
    public static double? PeakRssMiB(int pid) => Counts.RssMiB(pid, "VmHWM") is var mib && double.IsNaN(mib) ? null : mib;
}
