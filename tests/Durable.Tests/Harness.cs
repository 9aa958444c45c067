using System.Diagnostics;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using UrgeShipment.Durable;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Durable.Tests;

/// <summary>One test's runtime on its own hub in the shared Azurite, with a fake business clock.</summary>
internal sealed class Harness
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private Harness(AzuriteServer azurite, string hub, FakeTimeProvider clock, PayHandler pay, Action<DurableOptions>? configure)
    {
        Azurite = azurite;
        Hub = hub;
        Clock = clock;
        Pay = pay;
        Configure = configure;
        Runtime = NewRuntime();
        Timers = new TimerListener<EscrowState, EscrowCommand, EscrowEvent>(Runtime);
        Activities = new ActivityListener<EscrowState, EscrowCommand, EscrowEvent>(Runtime);
    }

    public AzuriteServer Azurite { get; }

    public string Hub { get; }

    public FakeTimeProvider Clock { get; }

    public PayHandler Pay { get; }

    public Action<DurableOptions>? Configure { get; }

    public DurableRuntime<EscrowState, EscrowCommand, EscrowEvent> Runtime { get; }

    public TimerListener<EscrowState, EscrowCommand, EscrowEvent> Timers { get; }

    public ActivityListener<EscrowState, EscrowCommand, EscrowEvent> Activities { get; }

    public static async Task<Harness> CreateAsync(AzuriteServer azurite, Action<DurableOptions>? configure = null)
    {
        var harness = new Harness(azurite, AzuriteServer.UniqueName("t"), new FakeTimeProvider(Start), new PayHandler(), configure);
        await harness.Runtime.EnsureCreatedAsync(CancellationToken.None);
        return harness;
    }

    /// <summary>Another "process" on the same hub and clock: its own cache and clients.</summary>
    public DurableRuntime<EscrowState, EscrowCommand, EscrowEvent> NewRuntime(IEnumerable<IProjection<EscrowState>>? projections = null)
    {
        var options = new DurableOptions
        {
            ConnectionString = Azurite.ConnectionString,
            HubName = Hub,
            MaxTimerChunk = TimeSpan.FromMilliseconds(500),
            OrphanGrace = TimeSpan.FromMinutes(2),
            OrphanRecheckDelay = TimeSpan.FromSeconds(1),
            SleepTimeProvider = TimeProvider.System,
            Queues = new QueueListenerOptions { VisibilityTimeout = TimeSpan.FromSeconds(1), MaxDequeueCount = 3, BatchSize = 16 },
        };
        Configure?.Invoke(options);
        return new DurableRuntime<EscrowState, EscrowCommand, EscrowEvent>(new EscrowDecider(), options, Clock, [Pay], projections ?? []);
    }

    public Task<CommandResult<EscrowState, EscrowEvent>> ExecuteAsync(string instanceId, string commandId, EscrowCommand command) =>
        Runtime.ExecuteAsync(instanceId, commandId, command, CancellationToken.None);

    public async Task<EscrowState> StateAsync(string instanceId) =>
        (await Runtime.GetAsync(instanceId, CancellationToken.None))?.State ?? EscrowState.Empty;

    public async Task<List<StoredEvent<EscrowEvent>>> HistoryAsync(string instanceId, int pageSize = 100)
    {
        var all = new List<StoredEvent<EscrowEvent>>();
        string? token = null;
        do
        {
            var page = await Runtime.GetHistoryAsync(instanceId, token, pageSize, CancellationToken.None);
            all.AddRange(page.Events);
            token = page.ContinuationToken;
        }
        while (token is not null);

        return all;
    }

    public async Task<int> ApproximateCountAsync(Azure.Storage.Queues.QueueClient queue) =>
        (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    public async Task<int> DeadlineRowsAsync()
    {
        var count = 0;
        await foreach (var _ in Runtime.DeadlineTable.QueryAsync<TableEntity>(select: ["RowKey"]))
        {
            count++;
        }

        return count;
    }

    /// <summary>Polls <paramref name="condition"/> (pumping the listeners between checks) until true or the timeout.</summary>
    public async Task PumpUntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? what = null)
    {
        await Wait.UntilAsync(
            async () =>
            {
                await Timers.PollOnceAsync(CancellationToken.None);
                await Activities.PollOnceAsync(CancellationToken.None);
                return await condition();
            },
            timeout ?? TimeSpan.FromSeconds(20),
            what);
    }

    /// <summary>Pumps both listeners for a real-time window (to show nothing happens).</summary>
    public async Task PumpForAsync(TimeSpan window)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < window)
        {
            await Timers.PollOnceAsync(CancellationToken.None);
            await Activities.PollOnceAsync(CancellationToken.None);
            await Task.Delay(50);
        }
    }
}

internal static class Wait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string? what = null)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (stopwatch.Elapsed > timeout)
            {
                throw new TimeoutException($"Condition not met within {timeout}: {what ?? "(unnamed)"}");
            }

            await Task.Delay(50);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string? what = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);
}

internal static class HarnessExtensions
{
    /// <summary>Polls the activity queue from a second "process" (its own cache): sees the storage truth.</summary>
    public static async Task<int> NewRuntimeListenerPollAsync(this Harness h)
    {
        var listener = new ActivityListener<EscrowState, EscrowCommand, EscrowEvent>(h.NewRuntime());
        return await listener.PollOnceAsync(CancellationToken.None);
    }
}
