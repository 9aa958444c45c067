using System.Globalization;

namespace UrgeShipment.Bench;

/// <summary>One scrape of <c>GET /metrics</c> (Prometheus text): series key (name + labels) → value.</summary>
internal sealed class Scrape
{
    public const string StorageRequests = "urgeshipment_durable_durable_storage_requests";
    public const string Lateness = "urgeshipment_durable_durable_timer_lateness";

    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _series = [];

    public Scrape(string text, string hub, DateTimeOffset at)
    {
        At = at;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var space = line.LastIndexOf(' ');
            if (space < 0 || !double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }
            var key = line[..space];
            var brace = key.IndexOf('{', StringComparison.Ordinal);
            var name = brace < 0 ? key : key[..brace];
            var labels = brace < 0 ? new Dictionary<string, string>(StringComparer.Ordinal) : ParseLabels(key[(brace + 1)..^1]);
            if (labels.TryGetValue("hub", out var h) && h != hub)
            {
                continue; // another hub in the same process (none expected): not ours
            }
            _series.Add((name, labels, value));
        }
    }

    public DateTimeOffset At { get; }

    /// <summary>Storage requests by "service.operation".</summary>
    public Dictionary<string, double> Storage()
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, labels, value) in _series)
        {
            if (name == StorageRequests)
            {
                var op = labels.GetValueOrDefault("service", "?") + "." + labels.GetValueOrDefault("operation", "?");
                result[op] = result.GetValueOrDefault(op) + value;
            }
        }
        return result;
    }

    public double StorageTotal => Storage().Values.Sum();

    /// <summary>Sum over all label sets of a series name (a counter, or a histogram's _sum/_count).</summary>
    public double Sum(string name) => _series.Where(s => s.Name == name).Sum(s => s.Value);

    /// <summary>Cumulative histogram buckets: upper bound (+Inf as infinity) → count.</summary>
    public SortedDictionary<double, double> Buckets(string histogram)
    {
        var result = new SortedDictionary<double, double>();
        foreach (var (name, labels, value) in _series)
        {
            if (name == histogram + "_bucket" && labels.TryGetValue("le", out var le))
            {
                var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
                result[bound] = result.GetValueOrDefault(bound) + value;
            }
        }
        return result;
    }

    /// <summary>The counters that move only when work happens (not when an idle listener polls).</summary>
    public double WorkSignal =>
        Sum("urgeshipment_durable_durable_commits") + Sum("urgeshipment_durable_durable_activities_run")
        + Sum("urgeshipment_durable_durable_timers_fired") + Sum("urgeshipment_durable_durable_messages_stale")
        + Storage().Where(kv => kv.Key is not ("queue.get" or "table.query")).Sum(kv => kv.Value);

    private static Dictionary<string, string> ParseLabels(string text)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < text.Length)
        {
            var eq = text.IndexOf('=', i);
            if (eq < 0 || eq + 1 >= text.Length || text[eq + 1] != '"')
            {
                break;
            }
            var name = text[i..eq].Trim(',', ' ');
            var value = new System.Text.StringBuilder();
            var j = eq + 2;
            for (; j < text.Length && text[j] != '"'; j++)
            {
                if (text[j] == '\\' && j + 1 < text.Length)
                {
                    j++;
                }
                value.Append(text[j]);
            }
            labels[name] = value.ToString();
            i = j + 1;
        }
        return labels;
    }
}

/// <summary>The difference between two scrapes.</summary>
internal sealed record Delta(Dictionary<string, double> Storage, double Commits, double Conflicts, double Retries, double TimersFired,
    double ActivitiesRun, double Stale, double Orphans, double Swept, double Duplicates, SortedDictionary<double, double> LatenessBuckets,
    double LatenessSum, double LatenessCount)
{
    public double StorageTotal => Storage.Values.Sum();

    public static Delta Between(Scrape before, Scrape after)
    {
        var storage = new Dictionary<string, double>(StringComparer.Ordinal);
        var a = before.Storage();
        foreach (var (op, value) in after.Storage())
        {
            var d = value - a.GetValueOrDefault(op);
            if (d != 0)
            {
                storage[op] = d;
            }
        }
        double D(string name) => after.Sum(name) - before.Sum(name);
        var bb = before.Buckets(Scrape.Lateness);
        var buckets = new SortedDictionary<double, double>();
        foreach (var (le, count) in after.Buckets(Scrape.Lateness))
        {
            buckets[le] = count - bb.GetValueOrDefault(le);
        }
        const string p = "urgeshipment_durable_durable_";
        return new Delta(storage, D(p + "commits"), D(p + "conflicts"), D(p + "retries"), D(p + "timers_fired"), D(p + "activities_run"),
            D(p + "messages_stale"), D(p + "orphans_dropped"), D(p + "sweeper_fired"), D(p + "duplicates"), buckets,
            D(Scrape.Lateness + "_sum"), D(Scrape.Lateness + "_count"));
    }

    /// <summary>Removes the storage requests the benchmark's own reads caused (GET ticket: table ops only).</summary>
    public Delta Minus(IReadOnlyDictionary<string, double> perRead, int reads)
    {
        var storage = new Dictionary<string, double>(Storage, StringComparer.Ordinal);
        foreach (var (op, cost) in perRead)
        {
            storage[op] = storage.GetValueOrDefault(op) - (cost * reads);
        }
        return this with { Storage = storage };
    }

    /// <summary>The smallest bucket bound below which the quantile lies (an upper bound of the quantile).</summary>
    public double? LatenessQuantileUpperBound(double q)
    {
        var total = LatenessCount;
        if (total <= 0)
        {
            return null;
        }
        foreach (var (le, count) in LatenessBuckets)
        {
            if (count >= q * total)
            {
                return le;
            }
        }
        return double.PositiveInfinity;
    }
}
