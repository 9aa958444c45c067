using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using UrgeShipment.Functions.Hosting;

namespace UrgeShipment.SelfHost.Tests;

/// <summary>
/// <see cref="DurableTaskHosting.Settings"/>: host.json's <c>extensions.durableTask</c> read as the Durable Functions
/// extension (Microsoft.Azure.WebJobs.Extensions.DurableTask 3.x, Azure Storage provider) reads it, mapped onto DTF's
/// <see cref="AzureStorageOrchestrationServiceSettings"/>.
/// </summary>
public sealed class DurableTaskSettingsTests
{
    private const string Storage = "UseDevelopmentStorage=true";

    /// <summary>host.json setting (under extensions.durableTask), its JSON value, the DTF setting, what that becomes.</summary>
    public static TheoryData<string, string, string, string> EachSetting => new()
    {
        { "hubName", "\"myhub\"", nameof(AzureStorageOrchestrationServiceSettings.TaskHubName), "myhub" },
        { "storageProvider.partitionCount", "3", nameof(AzureStorageOrchestrationServiceSettings.PartitionCount), "3" },
        { "storageProvider.maxQueuePollingInterval", "\"00:00:02\"", nameof(AzureStorageOrchestrationServiceSettings.MaxQueuePollingInterval), "00:00:02" },
        { "storageProvider.controlQueueBatchSize", "16", nameof(AzureStorageOrchestrationServiceSettings.ControlQueueBatchSize), "16" },
        { "storageProvider.controlQueueBufferThreshold", "100", nameof(AzureStorageOrchestrationServiceSettings.ControlQueueBufferThreshold), "100" },
        { "storageProvider.controlQueueVisibilityTimeout", "\"00:02:00\"", nameof(AzureStorageOrchestrationServiceSettings.ControlQueueVisibilityTimeout), "00:02:00" },
        { "storageProvider.workItemQueueVisibilityTimeout", "\"00:03:00\"", nameof(AzureStorageOrchestrationServiceSettings.WorkItemQueueVisibilityTimeout), "00:03:00" },
        { "storageProvider.useTablePartitionManagement", "false", nameof(AzureStorageOrchestrationServiceSettings.UseTablePartitionManagement), "False" },
        { "maxConcurrentActivityFunctions", "7", nameof(AzureStorageOrchestrationServiceSettings.MaxConcurrentTaskActivityWorkItems), "7" },
        { "maxConcurrentOrchestratorFunctions", "9", nameof(AzureStorageOrchestrationServiceSettings.MaxConcurrentTaskOrchestrationWorkItems), "9" },
        { "extendedSessionsEnabled", "true", nameof(AzureStorageOrchestrationServiceSettings.ExtendedSessionsEnabled), "True" },
        { "extendedSessionIdleTimeoutInSeconds", "45", nameof(AzureStorageOrchestrationServiceSettings.ExtendedSessionIdleTimeout), "00:00:45" },
    };

    /// <summary>
    /// The DTF setting and what Durable Functions makes of it when host.json leaves it out (dedicated/premium plan, as a
    /// self-host runs; AzureStorageOptions and DurableTaskOptions of the extension). The hub's default is this app's own.
    /// </summary>
    public static TheoryData<string, string> Defaults => new()
    {
        { nameof(AzureStorageOrchestrationServiceSettings.TaskHubName), "urgeship" },
        { nameof(AzureStorageOrchestrationServiceSettings.PartitionCount), "4" },
        { nameof(AzureStorageOrchestrationServiceSettings.MaxQueuePollingInterval), "00:00:30" },
        { nameof(AzureStorageOrchestrationServiceSettings.ControlQueueBatchSize), "32" },
        { nameof(AzureStorageOrchestrationServiceSettings.ControlQueueBufferThreshold), "256" },
        { nameof(AzureStorageOrchestrationServiceSettings.ControlQueueVisibilityTimeout), "00:05:00" },
        { nameof(AzureStorageOrchestrationServiceSettings.WorkItemQueueVisibilityTimeout), "00:05:00" },
        { nameof(AzureStorageOrchestrationServiceSettings.UseTablePartitionManagement), "True" },
        { nameof(AzureStorageOrchestrationServiceSettings.UseLegacyPartitionManagement), "False" },
        { nameof(AzureStorageOrchestrationServiceSettings.MaxConcurrentTaskActivityWorkItems), (10 * Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture) },
        { nameof(AzureStorageOrchestrationServiceSettings.MaxConcurrentTaskOrchestrationWorkItems), (10 * Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture) },
        { nameof(AzureStorageOrchestrationServiceSettings.ExtendedSessionsEnabled), "False" },
        { nameof(AzureStorageOrchestrationServiceSettings.ExtendedSessionIdleTimeout), "00:00:30" },
    };

    [Theory]
    [MemberData(nameof(EachSetting))]
    public void GivenADurableTaskSettingInHostJson_ThenTheBackendGetsIt(string path, string json, string property, string expected)
    {
        var settings = Settings(HostJsonWith(path, json));

        Assert.Equal(expected, Read(settings, property));
    }

    [Theory]
    [MemberData(nameof(Defaults))]
    public void GivenHostJsonWithoutTheSetting_ThenTheBackendGetsDurableFunctionsDefault(string property, string expected)
    {
        var settings = Settings("""{ "version": "2.0", "extensions": { "durableTask": { "storageProvider": { } } } }""");

        Assert.Equal(expected, Read(settings, property));
    }

    [Fact]
    public void GivenAzureFunctionsJobHostOverrides_ThenTheyWinOverTheFile()
    {
        var json = """
            {
              "extensions": {
                "durableTask": {
                  "hubName": "fromfile",
                  "maxConcurrentActivityFunctions": 10,
                  "extendedSessionsEnabled": false,
                  "storageProvider": { "partitionCount": 2, "maxQueuePollingInterval": "00:00:01" }
                }
              }
            }
            """;
        var settings = Settings(json, new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:extensions:durableTask:hubName"] = "fromsettings",
            ["AzureFunctionsJobHost:extensions:durableTask:storageProvider:partitionCount"] = "5",
            // App settings are case-insensitive, as under the Functions host.
            ["AzureFunctionsJobHost:Extensions:DurableTask:StorageProvider:MaxQueuePollingInterval"] = "00:00:00.250",
            ["AzureFunctionsJobHost:extensions:durableTask:maxConcurrentActivityFunctions"] = "3",
            ["AzureFunctionsJobHost:extensions:durableTask:extendedSessionsEnabled"] = "true",
            // Not in the file at all.
            ["AzureFunctionsJobHost:extensions:durableTask:storageProvider:controlQueueBatchSize"] = "8",
        });

        Assert.Equal("fromsettings", settings.TaskHubName);
        Assert.Equal(5, settings.PartitionCount);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.MaxQueuePollingInterval);
        Assert.Equal(3, settings.MaxConcurrentTaskActivityWorkItems);
        Assert.True(settings.ExtendedSessionsEnabled);
        Assert.Equal(8, settings.ControlQueueBatchSize);
    }

    [Fact]
    public void GivenPercentSettingValues_ThenTheyResolveFromConfiguration()
    {
        var json = """
            { "extensions": { "durableTask": { "hubName": "%HubSetting%", "storageProvider": { "partitionCount": "%Partitions%" } } } }
            """;

        var settings = Settings(json, new Dictionary<string, string?> { ["HubSetting"] = "resolvedhub", ["Partitions"] = "3" });

        Assert.Equal("resolvedhub", settings.TaskHubName);
        Assert.Equal(3, settings.PartitionCount);
    }

    [Fact]
    public void GivenAPercentSettingThatIsNotSet_ThenReadingItFails_RatherThanUsingTheLiteral()
    {
        var json = """{ "extensions": { "durableTask": { "hubName": "%NoSuchSetting%" } } }""";

        Assert.Throws<InvalidDataException>(() => Settings(json));
    }

    [Fact]
    public void GivenDurableWorkerId_ThenItIsTheWorkerId_ElseTheMachineName()
    {
        var given = Settings("{}", new Dictionary<string, string?> { ["Durable:WorkerId"] = "worker-7" });
        var absent = Settings("{}");

        Assert.Equal("worker-7", given.WorkerId);
        Assert.Equal(Environment.MachineName, absent.WorkerId);
    }

    [Fact]
    public void ASecondStartOfAnExistingIdThrows_ThrowExceptionOnInvalidDedupeStatusIsOn()
    {
        Assert.True(Settings("{}").ThrowExceptionOnInvalidDedupeStatus);
    }

    [Fact]
    public void GivenAStorageConnectionName_ThenThatAppSettingIsTheStorageAccount_AndWithoutItTheHostDoesNotStart()
    {
        var json = """{ "extensions": { "durableTask": { "storageProvider": { "connectionName": "OtherStorage" } } } }""";
        const string other = "DefaultEndpointsProtocol=http;AccountName=otheraccount;AccountKey=" + UrgeShipment.Tests.Shared.AzuriteServer.AccountKey
            + ";BlobEndpoint=http://127.0.0.1:1/otheraccount;QueueEndpoint=http://127.0.0.1:2/otheraccount;TableEndpoint=http://127.0.0.1:3/otheraccount;";

        var settings = Settings(json, new Dictionary<string, string?> { ["OtherStorage"] = other });
        var queues = settings.StorageAccountClientProvider!.Queue;
        QueueServiceClient client = queues.CreateClient(queues.CreateOptions());

        Assert.Equal("otheraccount", client.AccountName);
        var missing = Assert.Throws<InvalidOperationException>(() => Settings(json, storage: null));
        Assert.Contains("OtherStorage", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRepositorysHostJson_Parses_ServesRoutesWithoutPrefix_OnTheUrgeshipHub()
    {
        var configuration = Configuration(new Dictionary<string, string?> { ["HostJsonPath"] = RepositoryLayout.HostJson, ["AzureWebJobsStorage"] = Storage });

        var hostJson = HostJson.Load(configuration, RepositoryLayout.Root);
        var settings = DurableTaskHosting.Settings(configuration, hostJson, new StorageRequestCounter("test"), NullLoggerFactory.Instance);

        Assert.Equal(RepositoryLayout.HostJson, hostJson.Path);
        Assert.Equal("", hostJson.RoutePrefix);
        Assert.Equal("urgeship", hostJson.HubName);
        Assert.Equal("urgeship", settings.TaskHubName);
        Assert.Equal(1, settings.PartitionCount);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.MaxQueuePollingInterval);
        Assert.Equal(32, settings.MaxConcurrentTaskActivityWorkItems);
        Assert.Equal(32, settings.MaxConcurrentTaskOrchestrationWorkItems);
        Assert.True(settings.UseTablePartitionManagement);
    }

    private static AzureStorageOrchestrationServiceSettings Settings(string hostJson, IReadOnlyDictionary<string, string?>? values = null, string? storage = Storage)
    {
        var all = new Dictionary<string, string?>(values ?? new Dictionary<string, string?>());
        if (storage is not null)
        {
            all["AzureWebJobsStorage"] = storage;
        }
        var configuration = Configuration(all);
        return DurableTaskHosting.Settings(configuration, HostJson.Parse(hostJson, configuration), new StorageRequestCounter("test"), NullLoggerFactory.Instance);
    }

    private static IConfigurationRoot Configuration(IEnumerable<KeyValuePair<string, string?>> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    /// <summary>A host.json with one value at <c>extensions.durableTask.&lt;path&gt;</c>.</summary>
    private static string HostJsonWith(string path, string json)
    {
        var root = new JsonObject { ["version"] = "2.0" };
        var node = root;
        foreach (var part in ("extensions.durableTask." + path).Split('.')[..^1])
        {
            var inner = new JsonObject();
            node[part] = inner;
            node = inner;
        }
        node[path.Split('.')[^1]] = JsonNode.Parse(json);
        return root.ToJsonString();
    }

    private static string Read(AzureStorageOrchestrationServiceSettings settings, string property) =>
        Convert.ToString(typeof(AzureStorageOrchestrationServiceSettings).GetProperty(property)!.GetValue(settings), CultureInfo.InvariantCulture)!;
}
