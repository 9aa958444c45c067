using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Logging.Abstractions;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.SelfHost.Tests;

/// <summary>
/// A task hub of its own on the shared Azurite: DTF's Azure Storage backend (1 partition, fast polling, dedupe throws), a
/// <see cref="TaskHubWorker"/> running <see cref="WaitingOrchestrator"/> and <see cref="EchoActivity"/> through
/// <see cref="DurableTaskShimFactory"/> as the self-host runs the app's functions, and the
/// <see cref="SelfHostedDurableTaskClient"/> under test with the app's data converter.
/// </summary>
public sealed class DurableTaskHub(AzuriteServer azurite) : IAsyncLifetime
{
    private TaskHubWorker? _worker;

    public string HubName { get; } = "c" + Guid.NewGuid().ToString("N")[..10];

    public AzureStorageOrchestrationService Service { get; private set; } = null!;

    public DataConverter Converter { get; } = new JsonDataConverter(DurableJson.Options);

    public SelfHostedDurableTaskClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = HubName,
            StorageAccountClientProvider = new StorageAccountClientProvider(azurite.ConnectionString),
            PartitionCount = 1,
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(250),
            ThrowExceptionOnInvalidDedupeStatus = true,
            WorkerId = "selfhost-tests-" + HubName,
        });
        await Service.CreateIfNotExistsAsync();
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = Converter }, NullLoggerFactory.Instance);
        _worker = new TaskHubWorker(Service, NullLoggerFactory.Instance);
        _worker.AddTaskOrchestrations(new ShimCreator<TaskOrchestration>(WaitingOrchestrator.Name,
            () => shims.CreateOrchestration(WaitingOrchestrator.Name, new WaitingOrchestrator(), parent: null)));
        _worker.AddTaskActivities(new ShimCreator<DurableTask.Core.TaskActivity>(EchoActivity.Name,
            () => shims.CreateActivity(EchoActivity.Name, new EchoActivity())));
        await _worker.StartAsync();
        Client = new SelfHostedDurableTaskClient(Service, Service, Service, Converter, TimeProvider.System);
    }

    /// <summary>Another client over the same backend, as each host scope could build one.</summary>
    public SelfHostedDurableTaskClient NewClient() => new(Service, Service, Service, Converter, TimeProvider.System);

    public async Task DisposeAsync()
    {
        if (_worker is { } worker)
        {
            await worker.StopAsync(isForced: true);
            worker.Dispose();
        }
    }

}

/// <summary>What a test orchestration is started with.</summary>
public sealed record Order(string Name, int Quantity, bool WaitForGo, string? FailWith = null);

/// <summary>The payload of the external event <see cref="WaitingOrchestrator.GoEvent"/>.</summary>
public sealed record Go(string Note, decimal Amount, DateTimeOffset At);

/// <summary>The custom status a test orchestration shows.</summary>
public sealed record Stage(string Step, string Name);

/// <summary>What a test orchestration returns: its input, the event it got, the activity's answer.</summary>
public sealed record Outcome(Order Order, Go? Go, string Echoed);

/// <summary>
/// Shows the custom status <c>waiting</c>, waits for the event "go" when its input asks to, fails if its input says so,
/// calls <see cref="EchoActivity"/> with its input's name, and returns all three.
/// </summary>
public sealed class WaitingOrchestrator : TaskOrchestrator<Order, Outcome>
{
    public const string Name = nameof(WaitingOrchestrator);
    public const string GoEvent = "go";

    public override async Task<Outcome> RunAsync(TaskOrchestrationContext context, Order input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        Go? go = null;
        if (input.WaitForGo)
        {
            context.SetCustomStatus(new Stage("waiting", input.Name));
            go = await context.WaitForExternalEvent<Go>(GoEvent);
        }
        if (input.FailWith is { } message)
        {
            throw new InvalidOperationException(message);
        }
        var echoed = await context.CallActivityAsync<string>(EchoActivity.Name, input.Name);
        context.SetCustomStatus(new Stage("done", input.Name));
        return new Outcome(input, go, echoed);
    }
}

/// <summary>Answers "echo:" and its input.</summary>
public sealed class EchoActivity : Microsoft.DurableTask.TaskActivity<string, string>
{
    public const string Name = nameof(EchoActivity);

    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult("echo:" + input);
}
