using UrgeShipment.Durable;
using UrgeShipment.Tests.Shared;
using Xunit.Abstractions;

namespace UrgeShipment.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class ActivityTests(AzuriteServer azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task GivenAnActivityThatKeepsFailing_ThenItIsRetriedWithGrowingDelay_ThenPoisoned_AndTheInstanceFlagged()
    {
        var h = await Harness.CreateAsync(azurite);
        h.Pay.FailuresPerKey = int.MaxValue;
        var delays = new List<TimeSpan>();
        h.Runtime.RetryScheduled = (_, _, delay) => { lock (delays) { delays.Add(delay); } };

        await h.ExecuteAsync("poison", "req", new RequestPay("p1", "10.00"));
        await h.PumpUntilAsync(async () => (await h.StateAsync("poison")).Poisoned.Contains("p1"), TimeSpan.FromSeconds(30), "flagged");

        var attempts = h.Pay.Attempts.Where(a => a.Key == "p1").ToList();
        Assert.Equal([1, 2, 3], attempts.Select(a => a.Attempt));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], delays);
        var gap1 = attempts[1].At - attempts[0].At;
        var gap2 = attempts[2].At - attempts[1].At;
        output.WriteLine($"observed gaps between attempts: {gap1.TotalSeconds:F2} s, {gap2.TotalSeconds:F2} s");
        Assert.True(gap1 >= TimeSpan.FromSeconds(0.9), $"gap1 {gap1}");
        Assert.True(gap2 >= TimeSpan.FromSeconds(1.9), $"gap2 {gap2}");
        Assert.True(gap2 > gap1);

        Assert.Equal(1, await h.ApproximateCountAsync(h.Runtime.PoisonQueue));
        Assert.Equal(0, await h.ApproximateCountAsync(h.Runtime.ActivityQueue));
        var state = await h.StateAsync("poison");
        Assert.Empty(state.Pending);
        Assert.Single((await h.HistoryAsync("poison")).Select(e => e.Event).OfType<PayFlagged>());
        Assert.Equal(1, h.Runtime.Statistics.ActivitiesPoisoned);
        Assert.Empty(h.Pay.Effects);

        // An operator retry re-lists the activity; the diff enqueues it again and it now succeeds.
        h.Pay.FailuresPerKey = 0;
        h.Pay.Attempts.Clear();
        await h.ExecuteAsync("poison", "operator-retry", new RetryPay("p1"));
        await h.PumpUntilAsync(async () => (await h.StateAsync("poison")).Paid.Contains("p1"), what: "paid after retry");
        Assert.Equal(1, h.Pay.Effects["p1"]);
    }

    [Fact]
    public async Task GivenAnActivityDeliveredTwice_ThenItHasOneEffect()
    {
        var h = await Harness.CreateAsync(azurite);
        h.Pay.Work = TimeSpan.FromMilliseconds(200);
        await h.ExecuteAsync("twice", "req", new RequestPay("p2", "5.00"));
        var original = (await h.Runtime.ActivityQueue.PeekMessagesAsync(1)).Value.Single();
        await h.Runtime.ActivityQueue.SendMessageAsync(original.MessageText);

        // Both copies in one batch: they run concurrently.
        await h.PumpUntilAsync(async () => (await h.StateAsync("twice")).Paid.Contains("p2"), what: "paid");
        await h.PumpUntilAsync(async () => await h.ApproximateCountAsync(h.Runtime.ActivityQueue) == 0, what: "queue drained");

        Assert.Single((await h.HistoryAsync("twice")).Select(e => e.Event).OfType<PayDone>());
        Assert.Equal(1, h.Pay.Effects["p2"]);
        output.WriteLine($"handler invocations: {h.Pay.Attempts.Count}, committed completions: 1");
    }

    [Fact]
    public async Task GivenACompletedActivity_WhenItsMessageArrivesAgain_ThenItIsDroppedWithoutRunning()
    {
        var h = await Harness.CreateAsync(azurite);
        await h.ExecuteAsync("late-copy", "req", new RequestPay("p3", "1.00"));
        var original = (await h.Runtime.ActivityQueue.PeekMessagesAsync(1)).Value.Single();
        await h.PumpUntilAsync(async () => (await h.StateAsync("late-copy")).Paid.Contains("p3"), what: "paid");

        await h.Runtime.ActivityQueue.SendMessageAsync(original.MessageText);
        await h.PumpUntilAsync(async () => await h.ApproximateCountAsync(h.Runtime.ActivityQueue) == 0, what: "copy dropped");

        Assert.Single(h.Pay.Attempts);
        Assert.Equal(1, h.Runtime.Statistics.StaleDropped);
    }
}
