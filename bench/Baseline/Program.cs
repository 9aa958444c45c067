using System.Diagnostics;
using System.Globalization;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using UrgeShipment.Bench;
using UrgeShipment.Bench.Baseline;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.SelfHost;

// bench/Baseline: the bare Durable Functions app, run and measured in this process. See bench/README.md.
var o = BaselineOptions.Parse(args);
Progress.Tag = o.Side;
using var overall = new CancellationTokenSource(TimeSpan.FromMinutes(o.TimeoutMinutes));
var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["AzureWebJobsStorage"] = o.Storage,
    ["HostJsonPath"] = Path.Combine(o.Repo, "host.json"),
    [$"{HostJson.OverrideSection}:extensions:durableTask:hubName"] = o.Hub,
    ["Durable:WorkerId"] = $"{Environment.MachineName}-baseline",
}).Build();
var hostJson = HostJson.Load(configuration, o.Repo);
var counter = new StorageRequestCounter(o.Hub);
// Our settings: host.json's extensions.durableTask mapped exactly as the self-host maps it (DurableTaskHosting.Settings).
var ours = DurableTaskHosting.Settings(configuration, hostJson, counter, NullLoggerFactory.Instance);
// DTF's defaults: nothing set but the hub and the (counted) storage clients.
var settings = o.Settings == "default"
    ? new AzureStorageOrchestrationServiceSettings { TaskHubName = o.Hub, StorageAccountClientProvider = ours.StorageAccountClientProvider }
    : ours;
// Diagnostics only, no behaviour: DTF's own log on stderr, warnings and up (--log true: Information, e.g. lease acquisition).
settings.LoggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(o.Log ? LogLevel.Information : LogLevel.Warning));

var result = new SideResult
{
    Side = o.Side,
    N = o.N,
    Concurrency = o.Concurrency,
    OpenTarget = o.Open,
    LapseBoundSeconds = o.LapseBoundSeconds,
    DtfSettings = Describe(settings),
    Description = o.Settings == "default"
        ? "bare orchestration, DTF's default AzureStorageOrchestrationServiceSettings (TaskHubName and the storage clients only; a LoggerFactory for DTF's warnings)"
        : "bare orchestration, host.json's extensions.durableTask as DurableTaskHosting.Settings maps it",
};
var clock = Stopwatch.StartNew();
var backend = new AzureStorageOrchestrationService(settings);
await backend.CreateIfNotExistsAsync();
var converter = new JsonDataConverter();
var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = converter }, NullLoggerFactory.Instance);
var worker = new TaskHubWorker(backend, NullLoggerFactory.Instance);
worker.AddTaskOrchestrations(new ShimCreator<TaskOrchestration>(UrgeOrchestrator.Name, () => shims.CreateOrchestration(UrgeOrchestrator.Name, new UrgeOrchestrator())));
worker.AddTaskActivities(new ShimCreator<TaskActivity>(LapseActivity.Name, () => shims.CreateActivity(LapseActivity.Name, new LapseActivity())));
await worker.StartAsync();
await using var client = new SelfHostedDurableTaskClient(backend, backend, backend, converter, TimeProvider.System);
Progress.Line($"worker started: hub {o.Hub}, {settings.PartitionCount} partitions, polling ≤ {settings.MaxQueuePollingInterval}; N={o.N}, open {o.Open}");
var code = 0;
try
{
    await new BaselineRun(o, client, counter, result).RunAsync(overall.Token);
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or OperationCanceledException or IOException)
{
    result.Error = e.GetType().Name + ": " + e.Message;
    Progress.Line("failed: " + result.Error);
    code = 1;
}
result.PeakRssEndMiB = Counts.RssMiB(Environment.ProcessId, "VmHWM");
result.DurationSeconds = clock.Elapsed.TotalSeconds;
await result.WriteAsync(o.Results);
Progress.Line($"done in {result.DurationSeconds:0} s");
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
try
{
    await worker.StopAsync(isForced: true).WaitAsync(stop.Token);
}
catch (OperationCanceledException)
{
    Progress.Line("the worker did not stop within 20 s");
}
return code;

static Dictionary<string, string> Describe(AzureStorageOrchestrationServiceSettings s) => new(StringComparer.Ordinal)
{
    ["PartitionCount"] = s.PartitionCount.ToString(CultureInfo.InvariantCulture),
    ["MaxQueuePollingInterval"] = s.MaxQueuePollingInterval.ToString(),
    ["ControlQueueBatchSize"] = s.ControlQueueBatchSize.ToString(CultureInfo.InvariantCulture),
    ["ControlQueueBufferThreshold"] = s.ControlQueueBufferThreshold.ToString(CultureInfo.InvariantCulture),
    ["ControlQueueVisibilityTimeout"] = s.ControlQueueVisibilityTimeout.ToString(),
    ["WorkItemQueueVisibilityTimeout"] = s.WorkItemQueueVisibilityTimeout.ToString(),
    ["MaxConcurrentTaskOrchestrationWorkItems"] = s.MaxConcurrentTaskOrchestrationWorkItems.ToString(CultureInfo.InvariantCulture),
    ["MaxConcurrentTaskActivityWorkItems"] = s.MaxConcurrentTaskActivityWorkItems.ToString(CultureInfo.InvariantCulture),
    ["ExtendedSessionsEnabled"] = s.ExtendedSessionsEnabled.ToString(),
    ["UseTablePartitionManagement"] = s.UseTablePartitionManagement.ToString(),
    ["UseLegacyPartitionManagement"] = s.UseLegacyPartitionManagement.ToString(),
};


internal sealed class BaselineOptions
{
    public string Side { get; private set; } = "baseline";
    public string Settings { get; private set; } = "default";
    public string Storage { get; private set; } = "";
    public string Hub { get; private set; } = "";
    public string Repo { get; private set; } = ".";
    public string Results { get; private set; } = "baseline.json";
    public int N { get; private set; } = 500;
    public int Open { get; private set; } = 10_000;
    public int Concurrency { get; private set; } = 16;
    public int IdleSeconds { get; private set; } = 60;
    public double QuietSeconds { get; private set; } = 3;
    public double LapseBoundSeconds { get; private set; } = 60;
    public double PhaseMinutes { get; private set; } = 6;
    public double OpenMinutes { get; private set; } = 8;
    public int TimeoutMinutes { get; private set; } = 30;
    public bool Log { get; private set; }

    public static BaselineOptions Parse(string[] args)
    {
        var o = new BaselineOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var v = args[i + 1];
            switch (args[i])
            {
                case "--side": o.Side = v; break;
                case "--settings": o.Settings = v is "default" or "ours" ? v : throw new ArgumentException("--settings default|ours"); break;
                case "--storage": o.Storage = v; break;
                case "--hub": o.Hub = v; break;
                case "--repo": o.Repo = v; break;
                case "--results": o.Results = v; break;
                case "--n": o.N = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--open": o.Open = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--concurrency": o.Concurrency = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--idle-seconds": o.IdleSeconds = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--quiet-seconds": o.QuietSeconds = double.Parse(v, CultureInfo.InvariantCulture); break;
                case "--lapse-bound-seconds": o.LapseBoundSeconds = double.Parse(v, CultureInfo.InvariantCulture); break;
                case "--phase-minutes": o.PhaseMinutes = double.Parse(v, CultureInfo.InvariantCulture); break;
                case "--open-minutes": o.OpenMinutes = double.Parse(v, CultureInfo.InvariantCulture); break;
                case "--log": o.Log = bool.Parse(v); break;
                case "--timeout-minutes": o.TimeoutMinutes = int.Parse(v, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown argument {args[i]}.");
            }
        }
        if (o.Storage.Length == 0 || o.Hub.Length == 0)
        {
            throw new ArgumentException("Needs --storage <connection string> and --hub <name> (bench/run.sh passes them).");
        }
        return o;
    }
}
