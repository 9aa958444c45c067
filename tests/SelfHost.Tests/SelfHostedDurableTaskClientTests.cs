using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.SelfHost.Tests;

/// <summary>
/// <see cref="SelfHostedDurableTaskClient"/> against the real Durable Task Framework (Azure Storage backend on Azurite,
/// a running <c>TaskHubWorker</c>): one rule per abstract member of <see cref="DurableTaskClient"/> and per override.
/// Every wait is bounded by <see cref="Bound"/>.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SelfHostedDurableTaskClientTests(DurableTaskHub hub) : IClassFixture<DurableTaskHub>
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private DurableTaskClient Client => hub.Client;

    [Fact]
    public async Task ScheduleNewOrchestrationInstanceAsync_GivenAnInstanceIdAndAnInput_ThenThatInstanceRunsWithThatInput()
    {
        using var cts = Bound();
        var id = NewId();
        var input = new Order("alpha", 3, WaitForGo: false);

        var returned = await Client.ScheduleNewOrchestrationInstanceAsync(WaitingOrchestrator.Name, input, new StartOrchestrationOptions(id), cts.Token);
        var done = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(id, returned);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(WaitingOrchestrator.Name, done.Name);
        Assert.Equal(input, done.ReadInputAs<Order>());
        var outcome = done.ReadOutputAs<Outcome>()!;
        Assert.Equal(input, outcome.Order); // what the orchestrator itself was given
        Assert.Equal("echo:alpha", outcome.Echoed); // and handed on to its activity
    }

    [Fact]
    public async Task ScheduleNewOrchestrationInstanceAsync_GivenNoInstanceId_ThenANewIdIsReturnedForEachStart()
    {
        using var cts = Bound();

        var first = await Client.ScheduleNewOrchestrationInstanceAsync(WaitingOrchestrator.Name, new Order("no-id-1", 1, false), cts.Token);
        var second = await Client.ScheduleNewOrchestrationInstanceAsync(WaitingOrchestrator.Name, new Order("no-id-2", 1, false), cts.Token);

        Assert.False(string.IsNullOrWhiteSpace(first));
        Assert.NotEqual(first, second);
        Assert.Equal("no-id-1", (await Client.WaitForInstanceCompletionAsync(first, true, cts.Token)).ReadOutputAs<Outcome>()!.Order.Name);
        Assert.Equal("no-id-2", (await Client.WaitForInstanceCompletionAsync(second, true, cts.Token)).ReadOutputAs<Outcome>()!.Order.Name);
    }

    [Fact]
    public async Task ScheduleNewOrchestrationInstanceAsync_GivenTags_ThenTheInstanceCarriesThem()
    {
        using var cts = Bound();
        var id = NewId();
        var options = new StartOrchestrationOptions(id) { Tags = new Dictionary<string, string> { ["shop"] = "shop-a", ["kind"] = "test" } };

        await Client.ScheduleNewOrchestrationInstanceAsync(WaitingOrchestrator.Name, new Order("tagged", 1, false), options, cts.Token);
        var done = await Client.WaitForInstanceCompletionAsync(id, cts.Token);

        Assert.Equal("shop-a", done.Tags["shop"]);
        Assert.Equal("test", done.Tags["kind"]);
    }

    [Fact]
    public async Task ScheduleNewOrchestrationInstanceAsync_GivenARunningInstance_WhenItsIdIsStartedAgainWithDedupeStatuses_ThenOrchestrationAlreadyExistsAndTheFirstIsKept()
    {
        using var cts = Bound();
        var id = NewId();
        var first = new Order("first", 1, WaitForGo: true);
        await Client.ScheduleNewOrchestrationInstanceAsync(WaitingOrchestrator.Name, first, new StartOrchestrationOptions(id), cts.Token);
        await Client.WaitForInstanceStartAsync(id, cts.Token);
        var again = new StartOrchestrationOptions(id).WithDedupeStatuses(
            OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended,
            OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated);

        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() =>
            Client.ScheduleNewOrchestrationInstanceAsync(WaitingOrchestrator.Name, new Order("second", 2, WaitForGo: false), again, cts.Token));

        var kept = await Client.GetInstancesAsync(id, getInputsAndOutputs: true, cts.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Running, kept!.RuntimeStatus);
        Assert.Equal(first, kept.ReadInputAs<Order>());
        await Client.RaiseEventAsync(id, WaitingOrchestrator.GoEvent, new Go("go", 1m, DateTimeOffset.UnixEpoch), cts.Token);
        var done = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        Assert.Equal(first, done.ReadOutputAs<Outcome>()!.Order); // the first execution ran to its end, not the second
    }

    [Fact]
    public async Task ScheduleNewOrchestrationInstanceAsync_GivenTheSdksValidDedupeStatuses_WhenACompletedIdIsStartedAgain_ThenOrchestrationAlreadyExists()
    {
        using var cts = Bound();
        var id = NewId();
        await Client.ScheduleNewOrchestrationInstanceAsync(WaitingOrchestrator.Name, new Order("once", 1, false), new StartOrchestrationOptions(id), cts.Token);
        await Client.WaitForInstanceCompletionAsync(id, cts.Token);
        // The SDK's own list of dedupe statuses (Completed, Failed, Terminated, Canceled, Pending, Running, Suspended).
        var again = new StartOrchestrationOptions(id).WithDedupeStatuses([.. StartOrchestrationOptionsExtensions.ValidDedupeStatuses]);

        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() =>
            Client.ScheduleNewOrchestrationInstanceAsync(WaitingOrchestrator.Name, new Order("twice", 2, false), again, cts.Token));

        Assert.Equal("once", (await Client.GetInstancesAsync(id, getInputsAndOutputs: true, cts.Token))!.ReadInputAs<Order>()!.Name);
    }

    [Fact]
    public async Task RaiseEventAsync_GivenAWaitingOrchestration_ThenItReceivesThePayload_RoundTrippedBySystemTextJson()
    {
        using var cts = Bound();
        var id = await StartWaitingAsync("raise", cts.Token);
        var go = new Go("催发货 ✓ \"quoted\"", 1234.5678m, new DateTimeOffset(2025, 3, 4, 5, 6, 7, 890, TimeSpan.FromHours(8)));

        await Client.RaiseEventAsync(id, WaitingOrchestrator.GoEvent, go, cts.Token);

        var done = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var received = done.ReadOutputAs<Outcome>()!.Go!;
        Assert.Equal(go, received);
        Assert.Equal(go.At.Offset, received.At.Offset);
        // System.Text.Json with web defaults (DurableJson.Options): camelCase names, numbers as numbers.
        Assert.Contains("\"note\":", done.SerializedOutput, StringComparison.Ordinal);
        Assert.Contains("\"amount\":1234.5678", done.SerializedOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Note\"", done.SerializedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForInstanceStartAsync_GivenAnInstanceScheduledToStartLater_ThenItReturnsOnlyOnceTheInstanceIsPastPending()
    {
        using var cts = Bound();
        var id = NewId();
        var options = new StartOrchestrationOptions(id, StartAt: DateTimeOffset.UtcNow.AddSeconds(1.5));
        await Client.ScheduleNewOrchestrationInstanceAsync(WaitingOrchestrator.Name, new Order("later", 1, WaitForGo: true), options, cts.Token);
        var before = await Client.GetInstancesAsync(id, cts.Token);

        var started = await Client.WaitForInstanceStartAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Pending, before!.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Running, started.RuntimeStatus);
        Assert.Equal("later", started.ReadInputAs<Order>()!.Name);
        await Client.TerminateInstanceAsync(id, cts.Token);
    }

    [Fact]
    public async Task WaitForInstanceStartAndCompletion_GivenAnUnknownInstance_ThenTheyThrowInsteadOfWaitingForever()
    {
        using var cts = Bound();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Client.WaitForInstanceStartAsync(NewId(), cts.Token));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Client.WaitForInstanceCompletionAsync(NewId(), cts.Token));
        Assert.False(cts.IsCancellationRequested);
    }

    [Fact]
    public async Task WaitForInstanceCompletionAsync_GivenARunningInstance_ThenItReturnsWhenTheInstanceCompletes_WithItsOutputReadable()
    {
        using var cts = Bound();
        var id = await StartWaitingAsync("complete", cts.Token);
        var waiting = Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        await Client.RaiseEventAsync(id, WaitingOrchestrator.GoEvent, new Go("now", 2m, DateTimeOffset.UnixEpoch), cts.Token);
        var done = await waiting;

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.True(done.IsCompleted);
        var outcome = done.ReadOutputAs<Outcome>()!;
        Assert.Equal("echo:complete", outcome.Echoed);
        Assert.Equal("now", outcome.Go!.Note);
        Assert.Equal(new Stage("done", "complete"), done.ReadCustomStatusAs<Stage>());
    }

    [Fact]
    public async Task WaitForInstanceCompletionAsync_GivenACancelledToken_ThenItStopsWaiting()
    {
        using var cts = Bound();
        var id = await StartWaitingAsync("cancel", cts.Token);
        using var shortWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client.WaitForInstanceCompletionAsync(id, shortWait.Token));

        Assert.Equal(OrchestrationRuntimeStatus.Running, (await Client.GetInstancesAsync(id, cts.Token))!.RuntimeStatus);
        await Client.TerminateInstanceAsync(id, cts.Token);
    }

    [Fact]
    public async Task SuspendAndResumeInstanceAsync_GivenARunningInstance_ThenItIsSuspended_ThenRunningAgain_AndStillCompletes()
    {
        using var cts = Bound();
        var id = await StartWaitingAsync("suspend", cts.Token);

        await Client.SuspendInstanceAsync(id, "hold on", cts.Token);
        var suspended = await UntilAsync(id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Suspended, cts.Token);
        await Client.ResumeInstanceAsync(id, "carry on", cts.Token);
        var resumed = await UntilAsync(id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running, cts.Token);
        await Client.RaiseEventAsync(id, WaitingOrchestrator.GoEvent, new Go("after resume", 3m, DateTimeOffset.UnixEpoch), cts.Token);
        var done = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Suspended, suspended.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Running, resumed.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("after resume", done.ReadOutputAs<Outcome>()!.Go!.Note);
    }

    [Fact]
    public async Task GetInstancesAsync_GivenAnUnknownId_ThenNull()
    {
        using var cts = Bound();

        Assert.Null(await Client.GetInstancesAsync(NewId(), getInputsAndOutputs: true, cts.Token));
    }

    [Fact]
    public async Task GetInstancesAsync_GivesInputsAndOutputsOnlyWhenAsked_AndTheCustomStatusAlways()
    {
        using var cts = Bound();
        var input = new Order("status", 7, WaitForGo: true);
        var id = NewId();
        await Client.ScheduleNewOrchestrationInstanceAsync(WaitingOrchestrator.Name, input, new StartOrchestrationOptions(id), cts.Token);
        await UntilAsync(id, m => m.SerializedCustomStatus is not null, cts.Token);

        var bare = await Client.GetInstancesAsync(id, getInputsAndOutputs: false, cts.Token);
        var full = await Client.GetInstancesAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(id, bare!.InstanceId);
        Assert.Equal(WaitingOrchestrator.Name, bare.Name);
        Assert.Equal(OrchestrationRuntimeStatus.Running, bare.RuntimeStatus);
        Assert.Null(bare.SerializedInput);
        Assert.Null(bare.SerializedOutput);
        Assert.Equal(new Stage("waiting", "status"), bare.ReadCustomStatusAs<Stage>());
        Assert.Equal(input, full!.ReadInputAs<Order>());
        Assert.True(full.CreatedAt <= full.LastUpdatedAt);

        await Client.RaiseEventAsync(id, WaitingOrchestrator.GoEvent, new Go("end", 0m, DateTimeOffset.UnixEpoch), cts.Token);
        await Client.WaitForInstanceCompletionAsync(id, cts.Token);
        var doneBare = await Client.GetInstancesAsync(id, getInputsAndOutputs: false, cts.Token);
        var doneFull = await Client.GetInstancesAsync(id, getInputsAndOutputs: true, cts.Token);
        Assert.Null(doneBare!.SerializedOutput);
        Assert.Equal("echo:status", doneFull!.ReadOutputAs<Outcome>()!.Echoed);
        Assert.Equal(new Stage("done", "status"), doneBare.ReadCustomStatusAs<Stage>());
    }

    [Fact]
    public async Task WaitForInstanceCompletionAsync_GivenAnOrchestrationThatFails_ThenItReturnsOnceFailed_WithTheErrorInItsOutput()
    {
        using var cts = Bound();
        var id = NewId();
        await Client.ScheduleNewOrchestrationInstanceAsync(WaitingOrchestrator.Name, new Order("fail", 1, false, FailWith: "boom-" + id), new StartOrchestrationOptions(id), cts.Token);

        var failed = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.True(failed.IsCompleted);
        Assert.Contains("boom-" + id, failed.SerializedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAllInstancesAsync_GivenAStatusFilter_ThenOnlyInstancesInThoseStatusesAreListed()
    {
        using var cts = Bound();
        var prefix = NewId("filter") + "-";
        var completed = new[] { prefix + "a", prefix + "b" };
        foreach (var id in completed)
        {
            await Client.ScheduleNewOrchestrationInstanceAsync(WaitingOrchestrator.Name, new Order(id, 1, false), new StartOrchestrationOptions(id), cts.Token);
        }
        var running = prefix + "c";
        await Client.ScheduleNewOrchestrationInstanceAsync(WaitingOrchestrator.Name, new Order(running, 1, true), new StartOrchestrationOptions(running), cts.Token);
        foreach (var id in completed)
        {
            await Client.WaitForInstanceCompletionAsync(id, cts.Token);
        }
        await Client.WaitForInstanceStartAsync(running, cts.Token);

        var onlyCompleted = await ListAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, Statuses = [OrchestrationRuntimeStatus.Completed] }, cts.Token);
        var onlyRunning = await ListAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, Statuses = [OrchestrationRuntimeStatus.Running] }, cts.Token);
        var any = await ListAsync(new OrchestrationQuery { InstanceIdPrefix = prefix }, cts.Token);
        var withInputs = await ListAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, FetchInputsAndOutputs = true }, cts.Token);
        var createdLater = await ListAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, CreatedFrom = DateTimeOffset.UtcNow.AddDays(1) }, cts.Token);

        Assert.Equal(completed.Order(StringComparer.Ordinal), onlyCompleted.Select(m => m.InstanceId).Order(StringComparer.Ordinal));
        Assert.All(onlyCompleted, m => Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus));
        Assert.Equal([running], onlyRunning.Select(m => m.InstanceId));
        Assert.Equal([.. completed, running], any.Select(m => m.InstanceId).Order(StringComparer.Ordinal));
        Assert.All(any, m => Assert.Null(m.SerializedInput));
        Assert.All(withInputs, m => Assert.Equal(m.InstanceId, m.ReadInputAs<Order>()!.Name));
        Assert.Empty(createdLater);
        Assert.Equal("echo:" + completed[0], withInputs.Single(m => m.InstanceId == completed[0]).ReadOutputAs<Outcome>()!.Echoed);
        await Client.TerminateInstanceAsync(running, cts.Token);
    }

    [Fact]
    public async Task GetAllInstancesAsync_GivenASmallPageSize_ThenThePagesTogetherListEveryInstanceExactlyOnce()
    {
        using var cts = Bound();
        var prefix = NewId("page") + "-";
        var ids = Enumerable.Range(0, 5).Select(i => prefix + i).ToArray();
        foreach (var id in ids)
        {
            await Client.ScheduleNewOrchestrationInstanceAsync(WaitingOrchestrator.Name, new Order(id, 1, false), new StartOrchestrationOptions(id), cts.Token);
        }
        var query = new OrchestrationQuery { InstanceIdPrefix = prefix, PageSize = 2 };

        var pages = new List<Page<OrchestrationMetadata>>();
        await foreach (var page in Client.GetAllInstancesAsync(query).AsPages().WithCancellation(cts.Token))
        {
            pages.Add(page);
        }
        var enumerated = await ListAsync(query, cts.Token);

        Assert.True(pages.Count >= 3, $"5 instances in pages of 2 came in {pages.Count} page(s)");
        Assert.All(pages, p => Assert.True(p.Values.Count <= 2, $"a page of {p.Values.Count}"));
        Assert.Equal(ids, pages.SelectMany(p => p.Values).Select(m => m.InstanceId).Order(StringComparer.Ordinal));
        Assert.Equal(ids, enumerated.Select(m => m.InstanceId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TerminateInstanceAsync_GivenARunningInstance_ThenItIsTerminated_WithTheOutputGiven()
    {
        using var cts = Bound();
        var withOutput = await StartWaitingAsync("terminate-1", cts.Token);
        var plain = await StartWaitingAsync("terminate-2", cts.Token);

        await Client.TerminateInstanceAsync(withOutput, new TerminateInstanceOptions { Output = "closed by the test" }, cts.Token);
        await Client.TerminateInstanceAsync(plain, cts.Token);

        var terminated = await Client.WaitForInstanceCompletionAsync(withOutput, getInputsAndOutputs: true, cts.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, terminated.RuntimeStatus);
        Assert.Equal("closed by the test", terminated.ReadOutputAs<string>());
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await Client.WaitForInstanceCompletionAsync(plain, cts.Token)).RuntimeStatus);
    }

    [Fact]
    public async Task PurgeInstanceAsync_GivenARunningInstance_ThenItRefuses_AndGivenAFinishedOne_ThenItIsGone()
    {
        using var cts = Bound();
        var id = await StartWaitingAsync("purge", cts.Token);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Client.PurgeInstanceAsync(id, cancellation: cts.Token));
        var stillThere = await Client.GetInstancesAsync(id, cts.Token);
        await Client.RaiseEventAsync(id, WaitingOrchestrator.GoEvent, new Go("finish", 0m, DateTimeOffset.UnixEpoch), cts.Token);
        await Client.WaitForInstanceCompletionAsync(id, cts.Token);
        var purged = await Client.PurgeInstanceAsync(id, cancellation: cts.Token);
        var unknown = await Client.PurgeInstanceAsync(NewId(), cancellation: cts.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Running, stillThere!.RuntimeStatus);
        Assert.Equal(1, purged.PurgedInstanceCount);
        Assert.Null(await Client.GetInstancesAsync(id, getInputsAndOutputs: true, cts.Token));
        Assert.Equal(0, unknown.PurgedInstanceCount);
    }

    [Fact]
    public async Task DisposeAsync_GivenAClientSharingTheBackend_ThenDisposingItLeavesTheBackendServingTheWorkerAndOtherClients()
    {
        using var cts = Bound();
        var other = hub.NewClient();
        var id = NewId();
        await other.ScheduleNewOrchestrationInstanceAsync(WaitingOrchestrator.Name, new Order("dispose", 1, false), new StartOrchestrationOptions(id), cts.Token);

        var disposing = other.DisposeAsync();

        Assert.True(disposing.IsCompletedSuccessfully);
        await disposing;
        var done = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        Assert.Equal("echo:dispose", done.ReadOutputAs<Outcome>()!.Echoed);
    }

    private static CancellationTokenSource Bound() => new(TimeSpan.FromSeconds(30));

    private static string NewId(string prefix = "i") => prefix + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Starts an orchestration that waits for "go", and waits until it runs.</summary>
    private async Task<string> StartWaitingAsync(string name, CancellationToken ct)
    {
        var id = NewId(name + "-");
        await Client.ScheduleNewOrchestrationInstanceAsync(WaitingOrchestrator.Name, new Order(name, 1, WaitForGo: true), new StartOrchestrationOptions(id), ct);
        var started = await Client.WaitForInstanceStartAsync(id, ct);
        Assert.Equal(OrchestrationRuntimeStatus.Running, started.RuntimeStatus);
        return id;
    }

    /// <summary>Polls (bounded by <paramref name="ct"/>) until the instance satisfies <paramref name="done"/>.</summary>
    private async Task<OrchestrationMetadata> UntilAsync(string id, Func<OrchestrationMetadata, bool> done, CancellationToken ct)
    {
        OrchestrationMetadata? last = null;
        try
        {
            while (true)
            {
                last = await Client.GetInstancesAsync(id, getInputsAndOutputs: false, ct);
                if (last is not null && done(last))
                {
                    return last;
                }
                await Task.Delay(Poll, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Assert.Fail($"{id} did not reach the expected state in time; last seen: {last?.RuntimeStatus} {last?.SerializedCustomStatus}");
            throw;
        }
    }

    private async Task<List<OrchestrationMetadata>> ListAsync(OrchestrationQuery query, CancellationToken ct)
    {
        var all = new List<OrchestrationMetadata>();
        await foreach (var instance in Client.GetAllInstancesAsync(query).WithCancellation(ct))
        {
            all.Add(instance);
        }
        return all;
    }
}
