using System.Globalization;

namespace UrgeShipment.Bench;

/// <summary>One scrape of <c>GET /metrics</c> (Prometheus text): series key (name + labels) → value.</summary>
internal sealed class Scrape
{
    /// <summary>
    /// Every storage request of the process: DTF's (queues, history/instances/partition tables, lease blobs) and our tables'.
    /// Read under this name and under <c>urgeshipment_storage_requests_total</c> (the OpenTelemetry exporter's name for the same counter).
    /// </summary>
    public const string StorageRequests = "urgeshipment_storage_requests";

    /// <summary>Recorded by the RecordTicket activity for each lapse: business time it lapsed − its lapse time (due + grace), seconds.</summary>
    public const string Lateness = "urgeshipment_deadline_lapse_lateness_seconds"; // OpenTelemetry's Prometheus name (unit s)

    /// <summary>
    /// Operations an idle host never issues: they move only when a message is sent or completed, an orchestration commits
    /// or a row is written. An idle host still polls its queues (<c>queue.get</c>), renews its partition leases
    /// (<c>table.query</c>, <c>table.update</c>, <c>blob.lease</c>) and, with the dev clock on, re-reads the offset
    /// (<c>table.createtable</c>, <c>table.get</c>), so those are left out of the "work is happening" signal.
    /// </summary>
    public static readonly IReadOnlySet<string> WorkOperations = new HashSet<string>(StringComparer.Ordinal)
    {
        "queue.put", "queue.delete", "queue.update", "table.batch", "table.insert", "table.merge", "table.delete", "blob.put", "blob.delete",
    };

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
            if (name is StorageRequests or StorageRequests + "_total")
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

    /// <summary>Lapses recorded so far (the lateness histogram's count; a retried RecordTicket would count twice).</summary>
    public double LapsesRecorded => Sum(Lateness + "_count");

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

    /// <summary>The storage requests only work causes (see <see cref="WorkOperations"/>), plus recorded lapses.</summary>
    public double WorkSignal => Storage().Where(kv => WorkOperations.Contains(kv.Key)).Sum(kv => kv.Value) + LapsesRecorded;

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

/// <summary>The difference between two scrapes: storage requests by operation, and the lateness histogram.</summary>
internal sealed record Delta(Dictionary<string, double> Storage, SortedDictionary<double, double> LatenessBuckets, double LatenessSum, double LatenessCount)
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
        var bb = before.Buckets(Scrape.Lateness);
        var buckets = new SortedDictionary<double, double>();
        foreach (var (le, count) in after.Buckets(Scrape.Lateness))
        {
            buckets[le] = count - bb.GetValueOrDefault(le);
        }
        return new Delta(storage, buckets, after.Sum(Scrape.Lateness + "_sum") - before.Sum(Scrape.Lateness + "_sum"), after.LapsesRecorded - before.LapsesRecorded);
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

    /// <summary>The dev clock's re-read of its offset (every 2 s: one <c>table.createtable</c> and one <c>table.get</c>), as counted in an idle window.</summary>
    public double DevClockRefresh => Storage.GetValueOrDefault("table.createtable") + Storage.GetValueOrDefault("table.get");

    public double LatenessMean => LatenessCount > 0 ? LatenessSum / LatenessCount : double.NaN;

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
