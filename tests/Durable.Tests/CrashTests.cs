using UrgeShipment.Durable;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class CrashTests(AzuriteServer azurite)
{
    [Fact]
    public async Task GivenACrashBetweenEnqueueAndCommit_ThenTheOrphanIsKeptDuringGrace_DroppedAfterIt_AndTheRetriedCommandAppliesOnce()
    {
        var h = await Harness.CreateAsync(azurite);
        h.Runtime.Hook = CrashOnce(HookPoints.BeforeCommit);

        await Assert.ThrowsAsync<SimulatedCrash>(() => h.ExecuteAsync("crash1", "req", new RequestPay("p1", "3.00")));
        Assert.Null(await h.Runtime.GetAsync("crash1", CancellationToken.None));
        Assert.Equal(1, await h.ApproximateCountAsync(h.Runtime.ActivityQueue));

        // Young: its commit may still land, so it is made visible again, not applied and not dropped.
        Assert.Equal(1, await h.Activities.PollOnceAsync(CancellationToken.None));
        Assert.Equal(0, h.Runtime.Statistics.OrphansDropped);
        Assert.Equal(1, await h.ApproximateCountAsync(h.Runtime.ActivityQueue));

        // Past OrphanGrace (fake clock): an orphan, dropped and counted, never applied.
        h.Clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        await h.PumpUntilAsync(() => Task.FromResult(h.Runtime.Statistics.OrphansDropped == 1), what: "orphan dropped");
        Assert.Empty(h.Pay.Attempts);
        Assert.Equal(0, await h.ApproximateCountAsync(h.Runtime.ActivityQueue));

        var retried = await h.ExecuteAsync("crash1", "req", new RequestPay("p1", "3.00"));
        Assert.Equal((CommandOutcome.Applied, 1L), (retried.Outcome, retried.Version));
        await h.PumpUntilAsync(async () => (await h.StateAsync("crash1")).Paid.Contains("p1"), what: "paid");
        Assert.Single(h.Pay.Attempts);
        Assert.Equal(1, h.Pay.Effects["p1"]);
        Assert.Equal(2, (await h.HistoryAsync("crash1")).Count);
    }

    [Fact]
    public async Task GivenAMessageArrivingBeforeItsCommitLands_ThenItIsAppliedOnceTheCommitLands()
    {
        var h = await Harness.CreateAsync(azurite);
        using var release = new SemaphoreSlim(0);
        h.Runtime.Hook = async (point, _, _) =>
        {
            if (point == HookPoints.BeforeCommit)
            {
                await release.WaitAsync(CancellationToken.None);
            }
        };

        var command = h.ExecuteAsync("race", "req", new RequestPay("p1", "3.00"));
        await Wait.UntilAsync(async () => await h.ApproximateCountAsync(h.Runtime.ActivityQueue) == 1, TimeSpan.FromSeconds(10), "enqueued");
        Assert.Equal(1, await h.NewRuntimeListenerPollAsync());
        release.Release(1000);
        await command;

        await h.PumpUntilAsync(async () => (await h.StateAsync("race")).Paid.Contains("p1"), what: "paid after the commit landed");
        Assert.Equal(0, h.Runtime.Statistics.OrphansDropped);
        Assert.Equal(1, h.Pay.Effects["p1"]);
        // The early delivery was put back, not attempted: the run that paid was attempt 1, so no retry was used up.
        Assert.Equal(1, Assert.Single(h.Pay.Attempts).Attempt);
    }

    [Fact]
    public async Task GivenACrashBetweenCommitAndMessageDelete_ThenTheRedeliveryHasNoSecondEffect()
    {
        var h = await Harness.CreateAsync(azurite);
        h.Runtime.Hook = CrashOnce(HookPoints.BeforeMessageDelete);
        await h.ExecuteAsync("crash2", "open", new SetDeadline(Harness.Start.AddSeconds(10)));
        h.Clock.Advance(TimeSpan.FromSeconds(11));

        await h.PumpUntilAsync(async () => (await h.StateAsync("crash2")).Lapses == 1, what: "fired");
        await h.PumpUntilAsync(() => Task.FromResult(h.Runtime.Statistics.StaleDropped == 1), what: "redelivery dropped");

        Assert.Equal(0, await h.ApproximateCountAsync(h.Runtime.TimerQueue));
        Assert.Single((await h.HistoryAsync("crash2")).Select(e => e.Event).OfType<DeadlineLapsed>());
        Assert.Equal(1, h.Runtime.Statistics.TimersFired);

        h.Runtime.Hook = CrashOnce(HookPoints.BeforeMessageDelete);
        await h.ExecuteAsync("crash2", "req", new RequestPay("p9", "1.00"));
        await h.PumpUntilAsync(async () => (await h.StateAsync("crash2")).Paid.Contains("p9"), what: "paid");
        await h.PumpUntilAsync(async () => await h.ApproximateCountAsync(h.Runtime.ActivityQueue) == 0, what: "redelivered activity dropped");
        Assert.Single((await h.HistoryAsync("crash2")).Select(e => e.Event).OfType<PayDone>());
        Assert.Single(h.Pay.Attempts);
    }

    private static Func<string, string, CancellationToken, Task> CrashOnce(string at)
    {
        var crashed = 0;
        return (point, _, _) => point == at && Interlocked.Exchange(ref crashed, 1) == 0
            ? throw new SimulatedCrash()
            : Task.CompletedTask;
    }

    private sealed class SimulatedCrash : Exception
    {
        public SimulatedCrash() : base("simulated crash")
        {
        }
    }
}
