using UrgeShipment.Durable;
using UrgeShipment.Tests.Shared;
using Xunit.Abstractions;

namespace UrgeShipment.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class ListenerTests(AzuriteServer azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task GivenIdleQueues_ThenListenersBackOffToMaxPollingInterval_AndStorageRequestsPerIdleMinuteStayWithinTheSettings()
    {
        // Sleeps run on the fake clock too, so ten idle minutes pass in a moment, deterministically.
        var maxPolling = TimeSpan.FromMinutes(1);
        var h = await Harness.CreateAsync(azurite, o =>
        {
            o.SleepTimeProvider = null;
            o.SweepInterval = TimeSpan.FromMinutes(1);
            o.Queues = o.Queues with { MaxPollingInterval = maxPolling, MinPollingInterval = TimeSpan.FromMilliseconds(100) };
        });
        var sweeper = new DeadlineSweeper<EscrowState, EscrowCommand, EscrowEvent>(h.Runtime);
        var sleepers = new (Func<long> Sleeps, Func<DateTimeOffset> Until)[]
        {
            (() => h.Timers.Sleeps, () => h.Timers.SleepingUntil),
            (() => h.Activities.Sleeps, () => h.Activities.SleepingUntil),
            (() => sweeper.Sleeps, () => sweeper.SleepingUntil),
        };
        await h.Timers.StartAsync(CancellationToken.None);
        await h.Activities.StartAsync(CancellationToken.None);
        await sweeper.StartAsync(CancellationToken.None);
        try
        {
            await Wait.UntilAsync(() => sleepers.All(s => s.Sleeps() >= 1), TimeSpan.FromSeconds(10), "first sleep");
            var start = h.Runtime.RequestCounter.Snapshot();
            var perMinute = new List<long>();
            var minuteStart = h.Runtime.RequestCounter.Total;
            for (var second = 1; second <= 10 * 60; second++)
            {
                var before = sleepers.Select(s => s.Sleeps()).ToArray();
                h.Clock.Advance(TimeSpan.FromSeconds(1));
                var now = h.Clock.GetUtcNow();
                for (var i = 0; i < sleepers.Length; i++)
                {
                    var sleeper = sleepers[i];
                    var sleepsBefore = before[i];
                    if (sleeper.Until() <= now)
                    {
                        await Wait.UntilAsync(() => sleeper.Sleeps() > sleepsBefore, TimeSpan.FromSeconds(10), "poll and sleep again");
                    }
                }

                if (second % 60 == 0)
                {
                    perMinute.Add(h.Runtime.RequestCounter.Total - minuteStart);
                    minuteStart = h.Runtime.RequestCounter.Total;
                }
            }

            var total = StorageRequestCounter.Difference(start, h.Runtime.RequestCounter.Snapshot());
            output.WriteLine($"idle storage requests per minute, minutes 1..10: {string.Join(", ", perMinute)}");
            output.WriteLine("by operation over 10 idle minutes: " + string.Join(", ", total.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}")));

            // The settings imply: per queue one receive per maxPollingInterval once backed off (plus the
            // 100 ms → 1 min ramp, ~10 receives in the first ~2 minutes), and one deadline query per sweep interval.
            var steady = perMinute.Skip(3).ToList();
            Assert.All(steady, n => Assert.InRange(n, 1, 2 * (60 / (int)maxPolling.TotalSeconds + 1) + 2));
            Assert.True(perMinute.Sum() <= 2 * (11 + 10) + 11, $"total {perMinute.Sum()}");
            Assert.Equal(["queue.get", "table.query"], total.Keys.Order(StringComparer.Ordinal));
        }
        finally
        {
            await h.Timers.StopAsync(CancellationToken.None);
            await h.Activities.StopAsync(CancellationToken.None);
            await sweeper.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task GivenABusyActivityQueue_ThenTheHostedListenerDrainsIt_WithinBatchSizePlusNewBatchThreshold_AndStopsGracefully()
    {
        var h = await Harness.CreateAsync(azurite, o =>
            o.Queues = o.Queues with { BatchSize = 4, NewBatchThreshold = 2, MaxPollingInterval = TimeSpan.FromSeconds(2) });
        h.Pay.Work = TimeSpan.FromMilliseconds(100);
        await h.Activities.StartAsync(CancellationToken.None);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 24).Select(i => h.ExecuteAsync($"busy-{i}", "req", new RequestPay($"k{i}", "1.00"))));
            await Wait.UntilAsync(() => h.Pay.Effects.Count == 24, TimeSpan.FromSeconds(30), "all paid");
            await Wait.UntilAsync(async () => await h.ApproximateCountAsync(h.Runtime.ActivityQueue) == 0, TimeSpan.FromSeconds(10), "drained");
        }
        finally
        {
            await h.Activities.StopAsync(CancellationToken.None);
        }

        output.WriteLine($"max concurrent activities: {h.Pay.MaxConcurrency} (bound 4 + 2)");
        Assert.InRange(h.Pay.MaxConcurrency, 2, 6);
        for (var i = 0; i < 24; i++)
        {
            Assert.Contains($"k{i}", (await h.StateAsync($"busy-{i}")).Paid);
        }
    }

    [Fact]
    public async Task GivenATimerDueSoon_ThenTheHostedTimerListenerWakesForIt_InsteadOfSleepingTheFullPollingInterval()
    {
        var h = await Harness.CreateAsync(azurite, o =>
            o.Queues = o.Queues with { MaxPollingInterval = TimeSpan.FromMinutes(1), MinPollingInterval = TimeSpan.FromSeconds(30) });
        await h.Timers.StartAsync(CancellationToken.None);
        try
        {
            await Wait.UntilAsync(() => h.Timers.IsSleeping, TimeSpan.FromSeconds(10), "sleeping");
            h.Clock.Advance(TimeSpan.FromSeconds(1));
            await h.ExecuteAsync("soon", "open", new SetDeadline(h.Clock.GetUtcNow().AddMilliseconds(200)));
            h.Clock.Advance(TimeSpan.FromMilliseconds(300));
            await Wait.UntilAsync(async () => (await h.StateAsync("soon")).Lapses == 1, TimeSpan.FromSeconds(10), "fired without waiting 30 s");
        }
        finally
        {
            await h.Timers.StopAsync(CancellationToken.None);
        }
    }
}
