using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace UrgeShipment.Durable;

/// <summary>
/// Counts every storage request (each retry attempt too) by service and operation, e.g. "table.batch",
/// "table.query", "table.get", "queue.put", "queue.get", "queue.delete", "queue.update". Published as the
/// counter <c>durable.storage.requests</c> (tags: hub, service, operation) and readable in-process with
/// <see cref="Snapshot"/> for benchmarks and tests.
/// </summary>
public sealed class StorageRequestCounter
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly string _hub;

    public StorageRequestCounter(string hub)
    {
        _hub = hub;
    }

    /// <summary>Requests so far, by "service.operation".</summary>
    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_counts, StringComparer.Ordinal);

    /// <summary>All requests so far.</summary>
    public long Total => _counts.Values.Sum();

    /// <summary>Requests between two snapshots, by operation (zeros left out).</summary>
    public static IReadOnlyDictionary<string, long> Difference(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (operation, count) in after)
        {
            var delta = count - before.GetValueOrDefault(operation);
            if (delta != 0)
            {
                result[operation] = delta;
            }
        }

        return result;
    }

    internal HttpPipelinePolicy CreatePolicy(string service) => new CountingPolicy(this, service);

    /// <summary>Counts the requests of another client on the same storage account (e.g. a host's projection tables) here too.</summary>
    public T Count<T>(T options, string service)
        where T : ClientOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(CreatePolicy(service), HttpPipelinePosition.PerRetry);
        return options;
    }

    internal void Record(string service, string operation)
    {
        var name = service + "." + operation;
        _counts.AddOrUpdate(name, 1, static (_, count) => count + 1);
        DurableMetrics.StorageRequests.Add(1,
            new KeyValuePair<string, object?>("hub", _hub),
            new KeyValuePair<string, object?>("service", service),
            new KeyValuePair<string, object?>("operation", operation));
    }

    /// <summary>The operation name of a storage request: derived from its method, path and query.</summary>
    internal static string Classify(string service, string method, string path, string query)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (service == "queue")
        {
            var onMessages = segments.Length > 0 && segments.Any(s => s.Equals("messages", StringComparison.OrdinalIgnoreCase));
            var messageId = onMessages && !segments[^1].Equals("messages", StringComparison.OrdinalIgnoreCase);
            return (method, onMessages, messageId) switch
            {
                ("POST", true, _) => "put",
                ("GET", true, _) when query.Contains("peekonly=true", StringComparison.OrdinalIgnoreCase) => "peek",
                ("GET", true, _) => "get",
                ("DELETE", true, true) => "delete",
                ("DELETE", true, false) => "clear",
                ("PUT", true, _) => "update",
                ("PUT", false, _) when query.Contains("comp=metadata", StringComparison.OrdinalIgnoreCase) => "setmetadata",
                ("PUT", false, _) => "create",
                ("DELETE", false, _) => "deletequeue",
                ("GET", false, _) when query.Contains("comp=list", StringComparison.OrdinalIgnoreCase) => "list",
                ("GET" or "HEAD", false, _) => "properties",
                _ => method.ToLowerInvariant(),
            };
        }

        var last = segments.Length > 0 ? segments[^1] : "";
        if (last.Equals("$batch", StringComparison.OrdinalIgnoreCase))
        {
            return "batch";
        }

        if (last.StartsWith("Tables", StringComparison.Ordinal))
        {
            return method switch
            {
                "POST" => "createtable",
                "DELETE" => "deletetable",
                _ => "listtables",
            };
        }

        var pointKey = last.Contains("PartitionKey=", StringComparison.Ordinal) || last.EndsWith(')');
        return method switch
        {
            "GET" when pointKey && last.Contains("RowKey=", StringComparison.Ordinal) => "get",
            "GET" => "query",
            "POST" => "insert",
            "PUT" => "update",
            "MERGE" or "PATCH" => "merge",
            "DELETE" => "delete",
            _ => method.ToLowerInvariant(),
        };
    }

    private sealed class CountingPolicy(StorageRequestCounter counter, string service) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            var uri = message.Request.Uri;
            var path = Uri.UnescapeDataString(uri.Path);
            counter.Record(service, Classify(service, message.Request.Method.Method, path, uri.Query));
        }
    }
}

/// <summary>The runtime's instruments (Meter "UrgeShipment.Durable"), each tagged with the hub.</summary>
internal static class DurableMetrics
{
    public const string MeterName = "UrgeShipment.Durable";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> StorageRequests = Meter.CreateCounter<long>("durable.storage.requests", "{request}", "Storage requests by service and operation.");
    public static readonly Counter<long> Commits = Meter.CreateCounter<long>("durable.commits", "{commit}");
    public static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("durable.conflicts", "{conflict}", "Commits refused by ETag (412/409).");
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("durable.retries", "{retry}", "Commit attempts after a conflict.");
    public static readonly Counter<long> Duplicates = Meter.CreateCounter<long>("durable.duplicates", "{command}", "Commands whose id was already committed.");
    public static readonly Counter<long> Rejections = Meter.CreateCounter<long>("durable.rejections", "{command}");
    public static readonly Counter<long> TimersFired = Meter.CreateCounter<long>("durable.timers.fired", "{timer}");
    public static readonly Histogram<double> TimerLateness = Meter.CreateHistogram<double>("durable.timer.lateness", "s", "Fired minus due, by the runtime clock.");
    public static readonly Counter<long> OrphansDropped = Meter.CreateCounter<long>("durable.orphans.dropped", "{message}", "Messages whose commit never landed.");
    public static readonly Counter<long> StaleDropped = Meter.CreateCounter<long>("durable.messages.stale", "{message}", "Messages the committed state no longer asks for.");
    public static readonly Counter<long> ActivitiesRun = Meter.CreateCounter<long>("durable.activities.run", "{activity}");
    public static readonly Counter<long> ActivitiesFailed = Meter.CreateCounter<long>("durable.activities.failed", "{activity}");
    public static readonly Counter<long> ActivitiesPoisoned = Meter.CreateCounter<long>("durable.activities.poisoned", "{activity}");
    public static readonly Counter<long> ProjectionFailures = Meter.CreateCounter<long>("durable.projections.failed", "{call}");
    public static readonly Counter<long> SweptFired = Meter.CreateCounter<long>("durable.sweeper.fired", "{timer}", "Overdue deadlines the sweeper fired.");
}

/// <summary>In-process view of this runtime's counters (the same numbers the Meter publishes), for tests and benchmarks.</summary>
public sealed class DurableStatistics
{
    private readonly string _hub;
    private long _commits, _conflicts, _retries, _duplicates, _rejections, _timersFired, _orphansDropped, _staleDropped,
        _activitiesRun, _activitiesFailed, _activitiesPoisoned, _projectionFailures, _sweptFired;
    private readonly ConcurrentQueue<double> _lateness = new();

    internal DurableStatistics(string hub) => _hub = hub;

    public long Commits => Interlocked.Read(ref _commits);
    public long Conflicts => Interlocked.Read(ref _conflicts);
    public long Retries => Interlocked.Read(ref _retries);
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long Rejections => Interlocked.Read(ref _rejections);
    public long TimersFired => Interlocked.Read(ref _timersFired);
    public long OrphansDropped => Interlocked.Read(ref _orphansDropped);
    public long StaleDropped => Interlocked.Read(ref _staleDropped);
    public long ActivitiesRun => Interlocked.Read(ref _activitiesRun);
    public long ActivitiesFailed => Interlocked.Read(ref _activitiesFailed);
    public long ActivitiesPoisoned => Interlocked.Read(ref _activitiesPoisoned);
    public long ProjectionFailures => Interlocked.Read(ref _projectionFailures);
    public long SweptFired => Interlocked.Read(ref _sweptFired);

    /// <summary>Timer lateness samples in seconds (most recent 10 000).</summary>
    public IReadOnlyList<double> TimerLatenessSeconds => [.. _lateness];

    private KeyValuePair<string, object?> Hub => new("hub", _hub);

    internal void Commit() { Interlocked.Increment(ref _commits); DurableMetrics.Commits.Add(1, Hub); }
    internal void Conflict() { Interlocked.Increment(ref _conflicts); DurableMetrics.Conflicts.Add(1, Hub); }
    internal void Retry() { Interlocked.Increment(ref _retries); DurableMetrics.Retries.Add(1, Hub); }
    internal void Duplicate() { Interlocked.Increment(ref _duplicates); DurableMetrics.Duplicates.Add(1, Hub); }
    internal void Rejection() { Interlocked.Increment(ref _rejections); DurableMetrics.Rejections.Add(1, Hub); }
    internal void OrphanDropped() { Interlocked.Increment(ref _orphansDropped); DurableMetrics.OrphansDropped.Add(1, Hub); }
    internal void Stale() { Interlocked.Increment(ref _staleDropped); DurableMetrics.StaleDropped.Add(1, Hub); }
    internal void ActivityRun() { Interlocked.Increment(ref _activitiesRun); DurableMetrics.ActivitiesRun.Add(1, Hub); }
    internal void ActivityFailed() { Interlocked.Increment(ref _activitiesFailed); DurableMetrics.ActivitiesFailed.Add(1, Hub); }
    internal void ActivityPoisoned() { Interlocked.Increment(ref _activitiesPoisoned); DurableMetrics.ActivitiesPoisoned.Add(1, Hub); }
    internal void ProjectionFailed() { Interlocked.Increment(ref _projectionFailures); DurableMetrics.ProjectionFailures.Add(1, Hub); }
    internal void Swept() { Interlocked.Increment(ref _sweptFired); DurableMetrics.SweptFired.Add(1, Hub); }

    internal void TimerFired(TimeSpan lateness)
    {
        Interlocked.Increment(ref _timersFired);
        DurableMetrics.TimersFired.Add(1, Hub);
        DurableMetrics.TimerLateness.Record(lateness.TotalSeconds, Hub);
        _lateness.Enqueue(lateness.TotalSeconds);
        while (_lateness.Count > 10_000 && _lateness.TryDequeue(out _))
        {
        }
    }
}
