using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace UrgeShipment.Bench;

/// <summary>
/// The figures of one side of bench/run.sh (ours: the self-host over HTTP; a baseline: the bare Durable Functions app
/// of bench/Baseline, in-process), written as JSON by each side and rendered together by <c>UrgeShipment.Bench --mode report</c>.
/// Storage requests are counter totals by "service.operation" over the phase (not per lifecycle).
/// </summary>
internal sealed class SideResult
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary><c>ours</c>, <c>baseline-default</c>, <c>baseline-ours</c>.</summary>
    public string Side { get; set; } = "";
    public string Description { get; set; } = "";
    public Dictionary<string, string> DtfSettings { get; set; } = [];
    public int N { get; set; }
    public int Concurrency { get; set; }
    public string? Error { get; set; }
    public List<string> Notes { get; set; } = [];
    public double DurationSeconds { get; set; }

    // reply lifecycles: open → reply → shipped → all settled
    public int ReplyCompleted { get; set; }
    public double ReplySeconds { get; set; } = double.NaN;
    public Dictionary<string, double> ReplyRequests { get; set; } = [];

    // lapse lifecycles on real timers: open (all due within the same second) → lapse → all settled
    public int LapseOpened { get; set; }
    public int LapseLapsed { get; set; }
    public double LapseOpenSeconds { get; set; } = double.NaN;
    public double LapseSettleSeconds { get; set; } = double.NaN;
    public double LapseDueSpreadSeconds { get; set; } = double.NaN;
    public int LapseOpenedAfterDue { get; set; }
    public Dictionary<string, double> LapseRequests { get; set; } = [];
    public List<double> Lateness { get; set; } = [];
    public double LapseBoundSeconds { get; set; }

    // idle
    public double IdleSeconds { get; set; } = double.NaN;
    public double IdleSettleSeconds { get; set; }
    public string IdleWhen { get; set; } = "";
    public Dictionary<string, double> IdleRequests { get; set; } = [];

    // memory
    public double PeakRssMiB { get; set; } = double.NaN;
    public double PeakRssEndMiB { get; set; } = double.NaN;
    public int OpenTarget { get; set; }
    public int Opened { get; set; }
    public double OpenSeconds { get; set; } = double.NaN;
    public double RssOpenMiB { get; set; } = double.NaN;

    /// <summary>Client-side latency by call type, ms.</summary>
    public Dictionary<string, List<double>> LatencyMs { get; set; } = [];

    [JsonIgnore]
    public double ReplyPerSecond => ReplyCompleted / ReplySeconds;

    [JsonIgnore]
    public double LapsePerSecond => LapseLapsed / (LapseOpenSeconds + LapseSettleSeconds);

    [JsonIgnore]
    public double RequestsPerReply => ReplyCompleted > 0 ? ReplyRequests.Values.Sum() / ReplyCompleted : double.NaN;

    [JsonIgnore]
    public double RequestsPerLapse => LapseOpened > 0 ? LapseRequests.Values.Sum() / LapseOpened : double.NaN;

    [JsonIgnore]
    public double IdleRps => IdleSeconds > 0 ? IdleRequests.Values.Sum() / IdleSeconds : double.NaN;

    [JsonIgnore]
    public int Early => Lateness.Count(l => l < 0);

    public async Task WriteAsync(string path) =>
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Json), CancellationToken.None);

    public static SideResult Read(string path) => JsonSerializer.Deserialize<SideResult>(File.ReadAllText(path), Json)!;
}

internal static class Stats
{
    public static double Quantile(IReadOnlyCollection<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public static double Max(IReadOnlyCollection<double> values) => values.Count == 0 ? double.NaN : values.Max();
}

/// <summary>Progress lines on stderr with the seconds since the side started.</summary>
internal static class Progress
{
    private static readonly System.Diagnostics.Stopwatch Clock = System.Diagnostics.Stopwatch.StartNew();

    public static string Tag { get; set; } = "bench";

    public static void Line(string text) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Tag} +{Clock.Elapsed.TotalSeconds:0}s] {text}"));
}

/// <summary>Counter snapshots: storage requests by "service.operation", and the "work is happening" signal.</summary>
internal static class Counts
{
    /// <summary>
    /// Operations an idle DTF process never issues: they move only when a message is sent or completed, an orchestration
    /// commits or a row is written. An idle process still polls its queues (<c>queue.get</c>), renews its partition leases
    /// (<c>table.query</c>, <c>table.update</c>, <c>blob.lease</c>), so those are left out of the quiet test.
    /// </summary>
    public static readonly IReadOnlySet<string> WorkOperations = new HashSet<string>(StringComparer.Ordinal)
    {
        "queue.put", "queue.delete", "queue.update", "table.batch", "table.insert", "table.merge", "table.delete", "blob.put", "blob.delete",
    };

    public static Dictionary<string, double> Between(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (op, value) in after)
        {
            var d = value - before.GetValueOrDefault(op);
            if (d != 0)
            {
                result[op] = d;
            }
        }
        return result;
    }

    public static double Work(IReadOnlyDictionary<string, double> counts) => counts.Where(kv => WorkOperations.Contains(kv.Key)).Sum(kv => kv.Value);

    /// <summary>Current resident set (VmRSS) or peak (VmHWM) of a process, MiB; NaN when unknown.</summary>
    public static double RssMiB(int pid, string field = "VmRSS")
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
            return kb is null ? double.NaN : double.Parse(kb, CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return double.NaN;
        }
        catch (UnauthorizedAccessException)
        {
            return double.NaN;
        }
    }
}
