using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace UrgeShipment.Functions.Hosting;

/// <summary>
/// Collects every UrgeShipment.* meter in-process and renders Prometheus text for <c>GET /metrics</c>:
/// counters as totals, histograms as cumulative buckets with sum and count.
/// </summary>
public sealed class MetricsText : IDisposable
{
    private static readonly double[] Buckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600];
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), double> _counters = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), Histogram> _histograms = new();
    private readonly ConcurrentDictionary<string, (string Kind, string? Description)> _meta = new(StringComparer.Ordinal);

    public MetricsText()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("UrgeShipment", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var name = Sanitize(instrument.Meter.Name + "_" + instrument.Name);
        var labels = Labels(tags);
        if (instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal))
        {
            _meta.TryAdd(name, ("histogram", instrument.Description));
            _histograms.GetOrAdd((name, labels), _ => new Histogram()).Add(value);
        }
        else
        {
            _meta.TryAdd(name, ("counter", instrument.Description));
            _counters.AddOrUpdate((name, labels), value, (_, total) => total + value);
        }
    }

    public string Render()
    {
        var text = new StringBuilder();
        foreach (var (name, (kind, description)) in _meta.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (description is not null)
            {
                text.Append("# HELP ").Append(name).Append(' ').Append(description.ReplaceLineEndings(" ")).Append('\n');
            }
            text.Append("# TYPE ").Append(name).Append(' ').Append(kind).Append('\n');
            if (kind == "counter")
            {
                foreach (var ((_, labels), value) in _counters.Where(c => c.Key.Name == name).OrderBy(c => c.Key.Labels, StringComparer.Ordinal))
                {
                    text.Append(name).Append(Braces(labels)).Append(' ').Append(Number(value)).Append('\n');
                }
                continue;
            }
            foreach (var ((_, labels), histogram) in _histograms.Where(h => h.Key.Name == name).OrderBy(h => h.Key.Labels, StringComparer.Ordinal))
            {
                var (counts, sum, count) = histogram.Read();
                for (var b = 0; b < Buckets.Length; b++)
                {
                    text.Append(name).Append("_bucket").Append(Braces(Join(labels, $"le=\"{Number(Buckets[b])}\""))).Append(' ').Append(counts[b]).Append('\n');
                }
                text.Append(name).Append("_bucket").Append(Braces(Join(labels, "le=\"+Inf\""))).Append(' ').Append(count).Append('\n');
                text.Append(name).Append("_sum").Append(Braces(labels)).Append(' ').Append(Number(sum)).Append('\n');
                text.Append(name).Append("_count").Append(Braces(labels)).Append(' ').Append(count).Append('\n');
            }
        }
        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (var tag in tags)
        {
            var value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "";
            parts.Add($"{Sanitize(tag.Key)}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }
        parts.Sort(StringComparer.Ordinal);
        return string.Join(",", parts);
    }

    private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;

    private static string Braces(string labels) => labels.Length == 0 ? "" : "{" + labels + "}";

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_').ToArray();
        return new string(chars);
    }

    private sealed class Histogram
    {
        private readonly Lock _gate = new();
        private readonly long[] _counts = new long[Buckets.Length];
        private double _sum;
        private long _count;

        public void Add(double value)
        {
            lock (_gate)
            {
                for (var b = 0; b < Buckets.Length; b++)
                {
                    if (value <= Buckets[b])
                    {
                        _counts[b]++;
                    }
                }
                _sum += value;
                _count++;
            }
        }

        public (long[] Counts, double Sum, long Count) Read()
        {
            lock (_gate)
            {
                return ((long[])_counts.Clone(), _sum, _count);
            }
        }
    }
}
