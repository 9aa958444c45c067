using UrgeShipment.Durable;
using UrgeShipment.Tests.Shared;
using Xunit.Abstractions;

namespace UrgeShipment.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class TimerTests(AzuriteServer azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task GivenAFiveDayTimer_WithASubSecondChunk_ThenItCyclesThroughTheQueue_AndFiresOnceWhenDue_NeverBefore()
    {
        var h = await Harness.CreateAsync(azurite);
        var due = Harness.Start.AddDays(5);
        await h.ExecuteAsync("t5", "open", new SetDeadline(due));

        // While early, every arrival re-enqueues the remainder (one chunk) and fires nothing.
        var arrivals = 0;
        await Wait.UntilAsync(async () => (arrivals += await h.Timers.PollOnceAsync(CancellationToken.None)) >= 2, TimeSpan.FromSeconds(15), "two early arrivals");
        h.Clock.SetUtcNow(due - TimeSpan.FromMilliseconds(400));
        await Wait.UntilAsync(async () => (arrivals += await h.Timers.PollOnceAsync(CancellationToken.None)) >= 3, TimeSpan.FromSeconds(15), "an arrival just before due");
        Assert.Equal(0, (await h.StateAsync("t5")).Lapses);
        Assert.Equal(0, h.Runtime.Statistics.TimersFired);

        h.Clock.SetUtcNow(due + TimeSpan.FromMilliseconds(250));
        await h.PumpUntilAsync(async () => (await h.StateAsync("t5")).Lapses == 1, what: "timer fired");
        await h.PumpForAsync(TimeSpan.FromMilliseconds(300));

        var lapsed = (await h.HistoryAsync("t5")).Select(e => e.Event).OfType<DeadlineLapsed>().ToList();
        var fired = Assert.Single(lapsed);
        Assert.True(fired.FiredAt >= due, $"fired at {fired.FiredAt:O}, due {due:O}");
        Assert.Equal(1, h.Runtime.Statistics.TimersFired);
        Assert.All(h.Runtime.Statistics.TimerLatenessSeconds, s => Assert.InRange(s, 0, 1));
        Assert.Equal(0, await h.ApproximateCountAsync(h.Runtime.TimerQueue));
        output.WriteLine($"arrivals before due: {arrivals}; lateness (fake clock): {string.Join(", ", h.Runtime.Statistics.TimerLatenessSeconds)} s");
    }

    [Fact]
    public async Task GivenATimerWhoseMessageWasLost_WhenTheSweeperRuns_ThenItFiresOnce_AndTheIndexRowIsDeleted()
    {
        var h = await Harness.CreateAsync(azurite, o => o.MaxTimerChunk = TimeSpan.FromDays(6));
        var due = Harness.Start.AddHours(1);
        await h.ExecuteAsync("lost", "open", new SetDeadline(due));
        await h.Runtime.TimerQueue.ClearMessagesAsync();
        Assert.Equal(1, await h.DeadlineRowsAsync());

        Assert.Equal(0, await h.Runtime.SweepOnceAsync(CancellationToken.None));
        h.Clock.SetUtcNow(due - TimeSpan.FromTicks(1));
        Assert.Equal(0, await h.Runtime.SweepOnceAsync(CancellationToken.None));
        Assert.Equal(0, (await h.StateAsync("lost")).Lapses);

        h.Clock.SetUtcNow(due + TimeSpan.FromMinutes(3));
        Assert.Equal(1, await h.NewRuntime().SweepOnceAsync(CancellationToken.None));
        Assert.Equal(0, await h.Runtime.SweepOnceAsync(CancellationToken.None));

        Assert.Equal(1, (await h.StateAsync("lost")).Lapses);
        Assert.Equal(0, await h.DeadlineRowsAsync());
    }

    [Fact]
    public async Task GivenASupersededTimer_ThenItsWakeUpIsDeletedByReceipt_AndTheSweeperDropsItsIndexRowLazily()
    {
        var h = await Harness.CreateAsync(azurite, o => o.MaxTimerChunk = TimeSpan.FromDays(6));
        var due = Harness.Start.AddHours(2);
        await h.ExecuteAsync("sup", "open", new SetDeadline(due));
        Assert.Equal(1, await h.ApproximateCountAsync(h.Runtime.TimerQueue));

        await h.ExecuteAsync("sup", "clear", new ClearDeadline());
        Assert.Equal(0, await h.ApproximateCountAsync(h.Runtime.TimerQueue));
        Assert.Equal(1, await h.DeadlineRowsAsync());

        h.Clock.SetUtcNow(due + TimeSpan.FromSeconds(1));
        Assert.Equal(0, await h.Runtime.SweepOnceAsync(CancellationToken.None));
        Assert.Equal(0, await h.DeadlineRowsAsync());
        Assert.Equal(0, (await h.StateAsync("sup")).Lapses);
    }

    [Fact]
    public async Task GivenATimerRescheduled_ThenOnlyTheNewDueTimeFires()
    {
        var h = await Harness.CreateAsync(azurite);
        await h.ExecuteAsync("resched", "a", new SetDeadline(Harness.Start.AddSeconds(30)));
        await h.ExecuteAsync("resched", "b", new SetDeadline(Harness.Start.AddMinutes(10)));

        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.PumpForAsync(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(0, (await h.StateAsync("resched")).Lapses);

        h.Clock.Advance(TimeSpan.FromMinutes(10));
        await h.PumpUntilAsync(async () => (await h.StateAsync("resched")).Lapses == 1, what: "rescheduled timer fired");
        var lapsed = Assert.Single((await h.HistoryAsync("resched")).Select(e => e.Event).OfType<DeadlineLapsed>());
        Assert.Equal(Harness.Start.AddMinutes(10), lapsed.Due);
    }
}
