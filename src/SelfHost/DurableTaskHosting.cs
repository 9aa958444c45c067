using System.Reflection;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Data.Tables;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using UrgeShipment.Functions.Hosting;

namespace UrgeShipment.SelfHost;

/// <summary>
/// The Durable Task Framework in this process: its Azure Storage backend configured from host.json's
/// <c>extensions.durableTask</c> section as the Durable Functions extension reads it, a <see cref="TaskHubWorker"/> running
/// the app's orchestrator and activity functions through <see cref="DurableTaskShimFactory"/>, and the
/// <see cref="DurableTaskClient"/> the functions are given.
/// </summary>
public static class DurableTaskHosting
{
    public static IServiceCollection AddDurableTaskSelfHost(this IServiceCollection services, IConfiguration configuration, HostJson hostJson)
    {
        services.AddSingleton(sp => Settings(configuration, hostJson, sp.GetRequiredService<StorageRequestCounter>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new AzureStorageOrchestrationService(sp.GetRequiredService<AzureStorageOrchestrationServiceSettings>()));
        services.AddSingleton<DataConverter>(new JsonDataConverter(DurableJson.Options));
        services.AddSingleton<DurableTaskClient>(sp =>
        {
            var backend = sp.GetRequiredService<AzureStorageOrchestrationService>();
            return new SelfHostedDurableTaskClient(backend, backend, backend, sp.GetRequiredService<DataConverter>(), TimeProvider.System);
        });
        services.AddSingleton<DurableTaskWorkerService>();
        services.AddHostedService(sp => sp.GetRequiredService<DurableTaskWorkerService>());
        return services;
    }

    /// <summary>host.json <c>extensions.durableTask</c> → the Azure Storage backend's settings, with Durable Functions' defaults.</summary>
    public static AzureStorageOrchestrationServiceSettings Settings(IConfiguration configuration, HostJson hostJson, StorageRequestCounter counter, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(hostJson);
        ArgumentNullException.ThrowIfNull(counter);
        const string Section = "extensions.durableTask.";
        const string Storage = Section + "storageProvider.";
        var connectionName = hostJson.Text(Storage + "connectionName") ?? hostJson.Text(Storage + "connectionStringName") ?? "AzureWebJobsStorage";
        var connection = StorageConnection.From(configuration, connectionName);
        var cores = Environment.ProcessorCount;
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = hostJson.HubName,
            StorageAccountClientProvider = connection.ConnectionString is { } connectionString
                ? new StorageAccountClientProvider(
                    StorageServiceClientProvider.ForBlob(connectionString, counter.Count(new BlobClientOptions(), "blob")),
                    StorageServiceClientProvider.ForQueue(connectionString, counter.Count(new QueueClientOptions(), "queue")),
                    StorageServiceClientProvider.ForTable(connectionString, counter.Count(new TableClientOptions(), "table")))
                : new StorageAccountClientProvider(
                    StorageServiceClientProvider.ForBlob(connection.BlobUri!, connection.Credential!, counter.Count(new BlobClientOptions(), "blob")),
                    StorageServiceClientProvider.ForQueue(connection.QueueUri!, connection.Credential!, counter.Count(new QueueClientOptions(), "queue")),
                    StorageServiceClientProvider.ForTable(connection.TableUri!, connection.Credential!, counter.Count(new TableClientOptions(), "table"))),
            PartitionCount = hostJson.Count(Storage + "partitionCount") ?? 4,
            MaxQueuePollingInterval = hostJson.Duration(Storage + "maxQueuePollingInterval") ?? TimeSpan.FromSeconds(30),
            ControlQueueBatchSize = hostJson.Count(Storage + "controlQueueBatchSize") ?? 32,
            ControlQueueVisibilityTimeout = hostJson.Duration(Storage + "controlQueueVisibilityTimeout") ?? TimeSpan.FromMinutes(5),
            WorkItemQueueVisibilityTimeout = hostJson.Duration(Storage + "workItemQueueVisibilityTimeout") ?? TimeSpan.FromMinutes(5),
            UseTablePartitionManagement = hostJson.Flag(Storage + "useTablePartitionManagement") ?? true,
            UseLegacyPartitionManagement = hostJson.Flag(Storage + "useLegacyPartitionManagement") ?? false,
            MaxConcurrentTaskActivityWorkItems = hostJson.Count(Section + "maxConcurrentActivityFunctions") ?? 10 * cores,
            MaxConcurrentTaskOrchestrationWorkItems = hostJson.Count(Section + "maxConcurrentOrchestratorFunctions") ?? 10 * cores,
            ExtendedSessionsEnabled = hostJson.Flag(Section + "extendedSessionsEnabled") ?? false,
            ExtendedSessionIdleTimeout = TimeSpan.FromSeconds(hostJson.Count(Section + "extendedSessionIdleTimeoutInSeconds") ?? 30),
            // A restarted worker with the same id takes its partitions back at once instead of waiting out the old leases.
            WorkerId = configuration["Durable:WorkerId"] is { Length: > 0 } id ? id : Environment.MachineName,
            // A second start of an existing id throws (OrchestrationAlreadyExistsException) instead of being dropped silently.
            ThrowExceptionOnInvalidDedupeStatus = true,
            LoggerFactory = loggers,
        };
        settings.ControlQueueBufferThreshold = hostJson.Count(Storage + "controlQueueBufferThreshold") ?? 256; // Durable Functions' default, not DTF's 64
        return settings;
    }
}

/// <summary>
/// Runs the <see cref="TaskHubWorker"/>: checks the hub's partition count (<see cref="TaskHubPartitions"/>), creates the task hub's queues, tables and lease container, registers every
/// orchestrator and activity function found by <see cref="FunctionCatalog"/>, starts.
/// </summary>
public sealed partial class DurableTaskWorkerService(AzureStorageOrchestrationService backend, AzureStorageOrchestrationServiceSettings settings, DataConverter converter, IServiceProvider services,
    IConfiguration configuration, ILoggerFactory loggers, IHostApplicationLifetime lifetime) : IHostedService, IDisposable
{
    private TaskHubWorker? _worker;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await TaskHubPartitions.EnsureUnchangedAsync(settings, cancellationToken);
        await backend.CreateIfNotExistsAsync();
        var options = new DurableTaskWorkerOptions
        {
            DataConverter = converter,
            // Timers longer than this are chunked: an Azure Storage queue message may not be delayed beyond 7 days.
            MaximumTimerInterval = configuration.GetValue<TimeSpan?>("Durable:MaximumTimerInterval") ?? TimeSpan.FromDays(3),
        };
        var shims = new DurableTaskShimFactory(options, loggers);
        _worker = new TaskHubWorker(backend, loggers);
        foreach (var method in FunctionCatalog.Orchestrators)
        {
            var orchestrator = new FunctionOrchestrator(method);
            _worker.AddTaskOrchestrations(new ShimCreator<TaskOrchestration>(FunctionCatalog.NameOf(method), () => shims.CreateOrchestration(FunctionCatalog.NameOf(method), orchestrator)));
        }
        foreach (var method in FunctionCatalog.Activities)
        {
            var activity = new FunctionActivity(method, services, lifetime.ApplicationStopping);
            _worker.AddTaskActivities(new ShimCreator<TaskActivity>(FunctionCatalog.NameOf(method), () => shims.CreateActivity(FunctionCatalog.NameOf(method), activity)));
        }
        await _worker.StartAsync();
        LogStarted(loggers.CreateLogger<DurableTaskWorkerService>(), settings.TaskHubName, settings.WorkerId, settings.PartitionCount);
    }

    /// <summary>Stops once (a host may be stopped twice: by its lifetime and by its disposal).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _worker, null) is { } worker)
        {
            await worker.StopAsync(isForced: true);
            worker.Dispose();
        }
    }

    public void Dispose() => Interlocked.Exchange(ref _worker, null)?.Dispose();

    [LoggerMessage(LogLevel.Information, "Durable Task worker started: task hub {Hub}, worker {WorkerId}, {Partitions} partitions.")]
    private static partial void LogStarted(ILogger logger, string hub, string workerId, int partitions);

}

/// <summary>An orchestrator function: <c>(TaskOrchestrationContext context, TInput input) → Task&lt;TOutput&gt;</c>.</summary>
internal sealed class FunctionOrchestrator : ITaskOrchestrator
{
    private readonly MethodInfo _method;

    public FunctionOrchestrator(MethodInfo method)
    {
        var parameters = method.GetParameters();
        if (!method.IsStatic || parameters.Length != 2 || parameters[0].ParameterType != typeof(TaskOrchestrationContext)
            || !method.ReturnType.IsGenericType || method.ReturnType.GetGenericTypeDefinition() != typeof(Task<>))
        {
            throw new InvalidOperationException($"Orchestrator {method.Name} must be static (TaskOrchestrationContext, TInput) → Task<TOutput>.");
        }
        _method = method;
        InputType = parameters[1].ParameterType;
        OutputType = method.ReturnType.GetGenericArguments()[0];
    }

    public Type InputType { get; }

    public Type OutputType { get; }

    public async Task<object?> RunAsync(TaskOrchestrationContext context, object? input)
    {
        var task = (Task)_method.Invoke(null, [context, input])!;
        await task;
        return task.GetType().GetProperty("Result")!.GetValue(task);
    }
}

/// <summary>
/// An <c>[ActivityTrigger]</c> function: an instance method of a class built per call from the container (as the
/// Functions worker does), given its input and a cancellation token.
/// </summary>
internal sealed class FunctionActivity(MethodInfo method, IServiceProvider services, CancellationToken stopping) : ITaskActivity
{
    private readonly ParameterInfo[] _parameters = method.GetParameters();

    public Type InputType => _parameters.Single(p => p.GetCustomAttribute<Microsoft.Azure.Functions.Worker.ActivityTriggerAttribute>() is not null).ParameterType;

    public Type OutputType => method.ReturnType.IsGenericType ? method.ReturnType.GetGenericArguments()[0] : typeof(object);

    public async Task<object?> RunAsync(TaskActivityContext context, object? input)
    {
        await using var scope = services.CreateAsyncScope();
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, method.DeclaringType!);
        var arguments = _parameters.Select(p => p.ParameterType == typeof(CancellationToken) ? stopping
            : p.GetCustomAttribute<Microsoft.Azure.Functions.Worker.ActivityTriggerAttribute>() is not null ? input
            : throw new InvalidOperationException($"Activity {method.Name}: parameter {p.Name} cannot be bound here.")).ToArray();
        try
        {
            var returned = method.Invoke(target, arguments);
            if (returned is not Task task)
            {
                return returned;
            }
            await task;
            return method.ReturnType.IsGenericType ? task.GetType().GetProperty("Result")!.GetValue(task) : null;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        finally
        {
            (target as IDisposable)?.Dispose();
        }
    }
}

/// <summary>
/// Registers a Durable Task shim with DTF's worker under its function name: a new shim for every execution (the shims keep
/// per-execution state).
/// </summary>
public sealed class ShimCreator<T> : ObjectCreator<T>
{
    private readonly Func<T> _create;

    public ShimCreator(string name, Func<T> create)
    {
        Name = name;
        Version = string.Empty;
        _create = create;
    }

    public override T Create() => _create();
}
