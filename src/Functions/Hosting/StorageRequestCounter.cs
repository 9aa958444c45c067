using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace UrgeShipment.Functions.Hosting;

/// <summary>
/// Counts every storage request (each retry attempt too) by service and operation, e.g. "table.batch",
/// "table.query", "table.get", "queue.put", "queue.get", "queue.delete", "queue.update", "blob.put": a pipeline
/// policy on every storage client of the process (ours, and self-hosted, the ones handed to the Durable Task
/// Framework). Published as the counter <see cref="Telemetry.StorageRequests"/> (tags: hub, service, operation; on
/// <c>GET /metrics</c> as <c>urgeshipment_storage_requests_total</c>) and readable
/// in-process with <see cref="Snapshot"/> for benchmarks and tests.
/// </summary>
public sealed class StorageRequestCounter
{
    private static readonly Meter Meter = new(Telemetry.MeterName);
    private static readonly Counter<long> StorageRequests = Meter.CreateCounter<long>(Telemetry.StorageRequests, "{request}", "Storage requests by service and operation.");

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

    /// <summary>Adds the counting policy to a storage client's options.</summary>
    public T Count<T>(T options, string service)
        where T : ClientOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(new CountingPolicy(this, service), HttpPipelinePosition.PerRetry);
        return options;
    }

    internal void Record(string service, string operation)
    {
        var name = service + "." + operation;
        _counts.AddOrUpdate(name, 1, static (_, count) => count + 1);
        StorageRequests.Add(1,
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

        if (service == "blob")
        {
            return method switch
            {
                _ when query.Contains("comp=lease", StringComparison.OrdinalIgnoreCase) => "lease",
                _ when query.Contains("comp=list", StringComparison.OrdinalIgnoreCase) => "list",
                "PUT" when query.Contains("restype=container", StringComparison.OrdinalIgnoreCase) => "createcontainer",
                "PUT" => "put",
                "GET" => "get",
                "HEAD" => "properties",
                "DELETE" => "delete",
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
