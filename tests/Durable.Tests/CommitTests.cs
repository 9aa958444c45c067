using UrgeShipment.Durable;
using UrgeShipment.Tests.Shared;
using Xunit.Abstractions;

namespace UrgeShipment.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class CommitTests(AzuriteServer azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task GivenFiftyConcurrentCommandsOnOneInstance_FromTwoProcesses_ThenEachIsAppliedOnce_WithContiguousVersions()
    {
        var h = await Harness.CreateAsync(azurite);
        var other = h.NewRuntime();
        var tasks = Enumerable.Range(1, 50).Select(i =>
            (i % 2 == 0 ? h.Runtime : other).ExecuteAsync("counter-1", $"cmd-{i}", new Increment(i), CancellationToken.None));

        var results = await Task.WhenAll(tasks);

        Assert.All(results, r => Assert.Equal(CommandOutcome.Applied, r.Outcome));
        Assert.Equal(Enumerable.Range(1, 50).Select(v => (long)v), results.Select(r => r.Version).Order());
        var snapshot = await h.Runtime.GetAsync("counter-1", CancellationToken.None);
        Assert.NotNull(snapshot);
        Assert.Equal(50, snapshot.Version);
        Assert.Equal(Enumerable.Range(1, 50).Sum(), snapshot.State.Count);
        var history = await h.HistoryAsync("counter-1", pageSize: 20);
        Assert.Equal(Enumerable.Range(1, 50).Select(v => (long)v), history.Select(e => e.Version));
        Assert.Equal(50, history.Select(e => e.CommandId).Distinct().Count());
        output.WriteLine($"conflicts: {h.Runtime.Statistics.Conflicts + other.Statistics.Conflicts}, retries: {h.Runtime.Statistics.Retries + other.Statistics.Retries}");
    }

    [Fact]
    public async Task GivenACommittedCommandId_WhenSentAgainSequentially_ThenItWritesNothing_AndReturnsTheFirstResult()
    {
        var h = await Harness.CreateAsync(azurite);
        var first = await h.ExecuteAsync("dup-seq", "pay-once", new Increment(7));
        await h.ExecuteAsync("dup-seq", "other", new Increment(1));

        var before = h.Runtime.RequestCounter.Snapshot();
        var again = await h.ExecuteAsync("dup-seq", "pay-once", new Increment(7));
        var writesFromCache = StorageRequestCounter.Difference(before, h.Runtime.RequestCounter.Snapshot());
        var cold = await h.NewRuntime().ExecuteAsync("dup-seq", "pay-once", new Increment(7), CancellationToken.None);

        Assert.Equal(CommandOutcome.Applied, first.Outcome);
        foreach (var duplicate in new[] { again, cold })
        {
            Assert.Equal(CommandOutcome.Duplicate, duplicate.Outcome);
            Assert.Equal(first.Version, duplicate.Version);
            Assert.Equal(first.Events.Select(e => (e.Version, e.CommandId, e.Event)), duplicate.Events.Select(e => (e.Version, e.CommandId, e.Event)));
        }

        Assert.Empty(writesFromCache);
        Assert.Equal(8, (await h.StateAsync("dup-seq")).Count);
        Assert.Equal(2, (await h.HistoryAsync("dup-seq")).Count);
    }

    [Fact]
    public async Task GivenTenConcurrentCallsWithTheSameCommandId_ThenItIsAppliedOnce_AndAllCallersGetTheSameResult()
    {
        var h = await Harness.CreateAsync(azurite);
        var other = h.NewRuntime();
        await h.ExecuteAsync("dup-par", "warm", new Increment(1));

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            (i % 2 == 0 ? h.Runtime : other).ExecuteAsync("dup-par", "same-id", new Increment(5), CancellationToken.None)));

        Assert.Single(results, r => r.Outcome == CommandOutcome.Applied);
        Assert.All(results, r => Assert.Contains(r.Outcome, new[] { CommandOutcome.Applied, CommandOutcome.Duplicate }));
        Assert.All(results, r => Assert.Equal(2, r.Version));
        Assert.All(results, r => Assert.Equal(new Incremented(5), Assert.Single(r.Events).Event));
        Assert.All(results, r => Assert.Equal(2, Assert.Single(r.Events).Version));
        Assert.Equal(6, (await h.StateAsync("dup-par")).Count);
        Assert.Equal(2, (await h.HistoryAsync("dup-par")).Count);
    }

    [Fact]
    public async Task GivenARejectedCommand_ThenNothingIsWritten_AndTheRefusalIsReturned()
    {
        var h = await Harness.CreateAsync(azurite);
        await h.ExecuteAsync("rej", "ok", new Increment(2));
        var before = h.Runtime.RequestCounter.Snapshot();

        var result = await h.ExecuteAsync("rej", "bad", new Increment(-1));

        Assert.Equal(CommandOutcome.Rejected, result.Outcome);
        Assert.Equal("not-positive", result.RejectionCode);
        Assert.Equal(1, result.Version);
        Assert.Empty(StorageRequestCounter.Difference(before, h.Runtime.RequestCounter.Snapshot()));
        Assert.Single(await h.HistoryAsync("rej"));
    }

    [Fact]
    public async Task GivenAWarmCache_ThenACommandCostsOneBatchRequest_AndATimerAddsOnePutAndOneIndexWrite()
    {
        var h = await Harness.CreateAsync(azurite);
        await h.ExecuteAsync("cost", "c0", new Increment(1));

        var before = h.Runtime.RequestCounter.Snapshot();
        await h.ExecuteAsync("cost", "c1", new Increment(1));
        var plain = StorageRequestCounter.Difference(before, h.Runtime.RequestCounter.Snapshot());

        before = h.Runtime.RequestCounter.Snapshot();
        await h.ExecuteAsync("cost", "c2", new SetDeadline(Harness.Start.AddHours(24)));
        var withTimer = StorageRequestCounter.Difference(before, h.Runtime.RequestCounter.Snapshot());

        before = h.Runtime.RequestCounter.Snapshot();
        await h.ExecuteAsync("cost", "c3", new ClearDeadline());
        var superseding = StorageRequestCounter.Difference(before, h.Runtime.RequestCounter.Snapshot());

        output.WriteLine("plain command:      " + Describe(plain));
        output.WriteLine("command + timer:    " + Describe(withTimer));
        output.WriteLine("cancel timer:       " + Describe(superseding));
        Assert.Equal(new Dictionary<string, long> { ["table.batch"] = 1 }, plain);
        Assert.Equal(new Dictionary<string, long> { ["table.batch"] = 1, ["queue.put"] = 1, ["table.update"] = 1 }, withTimer);
        Assert.Equal(new Dictionary<string, long> { ["table.batch"] = 1, ["queue.delete"] = 1 }, superseding);
        Assert.Equal(0, await h.ApproximateCountAsync(h.Runtime.TimerQueue));
    }

    [Fact]
    public async Task GivenAnInstanceThisProcessCommitted_WhenPeekedFromCache_ThenNoStorageRequest_AndAColdRuntimeReadsStorage()
    {
        var h = await Harness.CreateAsync(azurite);
        await h.ExecuteAsync("peek", "p1", new Increment(2));

        var before = h.Runtime.RequestCounter.Snapshot();
        var warm = await h.Runtime.GetCachedOrCommittedAsync("peek", CancellationToken.None);
        Assert.Empty(StorageRequestCounter.Difference(before, h.Runtime.RequestCounter.Snapshot()));
        Assert.Equal((1L, 2), (warm!.Version, warm.State.Count));

        var cold = h.NewRuntime();
        before = cold.RequestCounter.Snapshot();
        var read = await cold.GetCachedOrCommittedAsync("peek", CancellationToken.None);
        Assert.NotEmpty(StorageRequestCounter.Difference(before, cold.RequestCounter.Snapshot()));
        Assert.Equal((1L, 2), (read!.Version, read.State.Count));
        Assert.Null(await cold.GetCachedOrCommittedAsync("nobody", CancellationToken.None));
    }

    [Fact]
    public async Task GivenIdsWithCharactersKeysForbid_ThenTheyRoundTrip_AndReadsPageListAndPurge()
    {
        var h = await Harness.CreateAsync(azurite);
        const string id = "shop/1#a?b\\c%d|e\u0001f";
        for (var i = 1; i <= 5; i++)
        {
            await h.ExecuteAsync(id, "cmd/" + i + "#?", new Increment(i));
        }

        Assert.Null(await h.Runtime.GetAsync("nobody", CancellationToken.None));
        var cold = h.NewRuntime();
        var snapshot = await cold.GetAsync(id, CancellationToken.None);
        Assert.Equal((5L, 15), (snapshot!.Version, snapshot.State.Count));
        Assert.Equal(id, snapshot.InstanceId);
        Assert.Equal(Harness.Start, snapshot.UpdatedAt);

        var page1 = await cold.GetHistoryAsync(id, null, 2, CancellationToken.None);
        var page2 = await cold.GetHistoryAsync(id, page1.ContinuationToken, 2, CancellationToken.None);
        var page3 = await cold.GetHistoryAsync(id, page2.ContinuationToken, 2, CancellationToken.None);
        Assert.Equal([1L, 2L], page1.Events.Select(e => e.Version));
        Assert.Equal([3L, 4L], page2.Events.Select(e => e.Version));
        Assert.Equal([5L], page3.Events.Select(e => e.Version));
        Assert.Null(page3.ContinuationToken);
        Assert.Equal("cmd/1#?", page1.Events[0].CommandId);

        var listed = new List<InstanceSnapshot<EscrowState>>();
        await foreach (var s in cold.ListInstancesAsync(CancellationToken.None))
        {
            listed.Add(s);
        }

        Assert.Equal(id, Assert.Single(listed).InstanceId);
        Assert.True(await cold.PurgeAsync(id, CancellationToken.None));
        Assert.Null(await h.NewRuntime().GetAsync(id, CancellationToken.None));
        Assert.Empty((await cold.GetHistoryAsync(id, null, 10, CancellationToken.None)).Events);
        Assert.False(await cold.PurgeAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task GivenAStateLargerThanOneTableProperty_ThenItIsSplitAndReadBack()
    {
        var h = await Harness.CreateAsync(azurite);
        var note = string.Concat(Enumerable.Repeat("0123456789", 10_000));

        await h.ExecuteAsync("big", "n", new Annotate(note));

        var read = await h.NewRuntime().GetAsync("big", CancellationToken.None);
        Assert.Equal(note, read!.State.Note);
        var history = await h.NewRuntime().GetHistoryAsync("big", null, 10, CancellationToken.None);
        Assert.Equal(new Annotated(note), Assert.Single(history.Events).Event);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            h.ExecuteAsync("big", "too-big", new Annotate(string.Concat(Enumerable.Repeat(note, 6)))));
    }

    [Fact]
    public async Task GivenProjections_ThenEachCommitIsProjected_AndAFailingProjectionNeverFailsTheCommand()
    {
        var h = await Harness.CreateAsync(azurite);
        var good = new RecordingProjection();
        var runtime = h.NewRuntime([new FailingProjection(), good]);

        var result = await runtime.ExecuteAsync("proj", "a", new Increment(3), CancellationToken.None);
        await runtime.RebuildProjectionsAsync(CancellationToken.None);

        Assert.Equal(CommandOutcome.Applied, result.Outcome);
        Assert.Equal(2, runtime.Statistics.ProjectionFailures);
        Assert.Equal([("proj", 1L, 3), ("proj", 1L, 3)], good.Calls);
    }

    private static string Describe(IReadOnlyDictionary<string, long> counts) =>
        string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}")) + $" (total {counts.Values.Sum()})";

    private sealed class RecordingProjection : IProjection<EscrowState>
    {
        public List<(string, long, int)> Calls { get; } = [];

        public Task ProjectAsync(string instanceId, long version, EscrowState state, CancellationToken cancellationToken)
        {
            lock (Calls)
            {
                Calls.Add((instanceId, version, state.Count));
            }

            return Task.CompletedTask;
        }
    }

    private sealed class FailingProjection : IProjection<EscrowState>
    {
        public Task ProjectAsync(string instanceId, long version, EscrowState state, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("projection store down");
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class CostTests(AzuriteServer azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task GivenTicketLikeLifecycles_ThenStorageRequestsPerLifecycleAreFarBelowDurableFunctions()
    {
        var h = await Harness.CreateAsync(azurite, o => o.MaxTimerChunk = TimeSpan.FromDays(6));

        // Replied: (first command reads the new instance) open with a 24 h deadline, then the reply cancels it (the wake-up is deleted by receipt).
        var before = h.Runtime.RequestCounter.Snapshot();
        await h.ExecuteAsync("replied", "open", new SetDeadline(Harness.Start.AddHours(24)));
        await h.ExecuteAsync("replied", "reply", new ClearDeadline());
        var replied = StorageRequestCounter.Difference(before, h.Runtime.RequestCounter.Snapshot());

        // Lapsed: open with a 1 s deadline; the wake-up arrives, fires, is deleted; a later sweep drops the index row.
        before = h.Runtime.RequestCounter.Snapshot();
        await h.ExecuteAsync("lapsed", "open", new SetDeadline(Harness.Start.AddSeconds(1)));
        h.Clock.Advance(TimeSpan.FromSeconds(2));
        var received = 0;
        var emptyPolls = 0;
        await Wait.UntilAsync(
            async () =>
            {
                var n = await h.Timers.PollOnceAsync(CancellationToken.None);
                received += n;
                emptyPolls += n == 0 ? 1 : 0;
                return received > 0;
            },
            TimeSpan.FromSeconds(10),
            "wake-up arrives");
        await h.Runtime.SweepOnceAsync(CancellationToken.None);
        var lapsed = StorageRequestCounter.Difference(before, h.Runtime.RequestCounter.Snapshot());
        var lapsedWithoutEmptyPolls = lapsed.Values.Sum() - emptyPolls;

        output.WriteLine($"replied lifecycle: {replied.Values.Sum()} requests ({string.Join(", ", replied.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}={r.Value}"))})");
        output.WriteLine($"lapsed lifecycle:  {lapsedWithoutEmptyPolls} requests + {emptyPolls} empty test polls ({string.Join(", ", lapsed.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}={r.Value}"))}); the sweep's query and batch delete are shared by every row it visits");
        Assert.Equal(1, (await h.StateAsync("lapsed")).Lapses);
        Assert.True(replied.Values.Sum() <= 6);
        Assert.True(lapsedWithoutEmptyPolls <= 10, $"lapsed lifecycle {lapsedWithoutEmptyPolls}");
        Assert.Equal(1, await h.DeadlineRowsAsync()); // the replied one's row goes lazily, once its due time passes
    }
}
