using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using UrgeShipment.Durable;

namespace UrgeShipment.Durable.Tests;

public sealed class UnitTests
{
    [Theory]
    [InlineData("plain-id_123")]
    [InlineData("a/b\\c#d?e")]
    [InlineData("100%|pipe")]
    [InlineData("ctl\u0000\u001f\u007f\u009f")]
    [InlineData("淘宝-订单/42")]
    public void GivenAnyId_WhenEscaped_ThenTheKeyHasNoForbiddenCharacters_AndUnescapesBack(string id)
    {
        var key = KeyEscaping.Escape(id);

        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' or '|' || char.IsControl(c));
        Assert.Equal(id, KeyEscaping.Unescape(key));
    }

    [Fact]
    public void GivenAPlainId_ThenItsKeyIsTheIdItself() => Assert.Equal("order-1", KeyEscaping.Escape("order-1"));

    [Fact]
    public void GivenAHostJson_ThenQueueOptionsAreReadWithFunctionsMeanings()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """
                {
                  // comments are allowed, as in Functions
                  "version": "2.0",
                  "extensions": {
                    "queues": {
                      "batchSize": 8,
                      "newBatchThreshold": 4,
                      "maxPollingInterval": "00:00:02",
                      "visibilityTimeout": "00:00:05",
                      "maxDequeueCount": 3,
                    }
                  }
                }
                """);

            var options = HostJson.ReadQueueOptions(path);

            Assert.Equal(8, options.BatchSize);
            Assert.Equal(4, options.NewBatchThreshold);
            Assert.Equal(TimeSpan.FromSeconds(2), options.MaxPollingInterval);
            Assert.Equal(TimeSpan.FromSeconds(5), options.VisibilityTimeout);
            Assert.Equal(3, options.MaxDequeueCount);

            File.WriteAllText(path, """{ "version": "2.0" }""");
            Assert.Equal(new QueueListenerOptions(), HostJson.ReadQueueOptions(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("table", "POST", "/devstoreaccount1/$batch", "", "batch")]
    [InlineData("table", "GET", "/devstoreaccount1/hubInstances()", "?$filter=x", "query")]
    [InlineData("table", "GET", "/devstoreaccount1/hubInstances(PartitionKey='a',RowKey='s')", "", "get")]
    [InlineData("table", "PUT", "/devstoreaccount1/hubDeadlines(PartitionKey='a',RowKey='b')", "", "update")]
    [InlineData("table", "POST", "/devstoreaccount1/Tables", "", "createtable")]
    [InlineData("queue", "POST", "/devstoreaccount1/hub-timers/messages", "?visibilitytimeout=5", "put")]
    [InlineData("queue", "GET", "/devstoreaccount1/hub-timers/messages", "?numofmessages=16", "get")]
    [InlineData("queue", "GET", "/devstoreaccount1/hub-timers/messages", "?peekonly=true", "peek")]
    [InlineData("queue", "DELETE", "/devstoreaccount1/hub-timers/messages/abc", "?popreceipt=x", "delete")]
    [InlineData("queue", "PUT", "/devstoreaccount1/hub-timers/messages/abc", "?popreceipt=x", "update")]
    [InlineData("queue", "PUT", "/devstoreaccount1/hub-timers", "", "create")]
    public void GivenAStorageRequest_ThenItIsClassifiedByOperation(string service, string method, string path, string query, string expected) =>
        Assert.Equal(expected, StorageRequestCounter.Classify(service, method, path, query));

    [Fact]
    public void GivenTimerDelays_ThenVisibilityIsRoundedUpToWholeSeconds_AndChunked()
    {
        var runtime = NewRuntime(o => o.MaxTimerChunk = TimeSpan.FromDays(6));
        var now = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.Zero, runtime.TimerVisibility(now, now));
        Assert.Equal(TimeSpan.Zero, runtime.TimerVisibility(now.AddSeconds(-5), now));
        Assert.Equal(TimeSpan.FromSeconds(1), runtime.TimerVisibility(now.AddTicks(1), now));
        Assert.Equal(TimeSpan.FromSeconds(2), runtime.TimerVisibility(now.AddMilliseconds(1001), now));
        Assert.Equal(TimeSpan.FromHours(24), runtime.TimerVisibility(now.AddHours(24), now));
        Assert.Equal(TimeSpan.FromDays(6), runtime.TimerVisibility(now.AddDays(30), now));
    }

    [Fact]
    public void GivenFailedAttempts_ThenRetryDelayDoublesFromTheVisibilityTimeout_UpToTheCap()
    {
        var runtime = NewRuntime(o => o.Queues = new QueueListenerOptions { VisibilityTimeout = TimeSpan.FromSeconds(2), MaxRetryDelay = TimeSpan.FromSeconds(30) });

        Assert.Equal(
            new[] { 2, 4, 8, 16, 30, 30 }.Select(s => TimeSpan.FromSeconds(s)),
            Enumerable.Range(1, 6).Select(runtime.RetryDelay));
    }

    [Fact]
    public void GivenAddDurableRuntime_ThenTheRuntimeListenersAndSweeperAreRegistered()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddSingleton<IActivityHandler, PayHandler>();
        services.AddDurableRuntime<EscrowState, EscrowCommand, EscrowEvent, EscrowDecider>(o =>
        {
            o.ConnectionString = "UseDevelopmentStorage=true";
            o.HubName = "wiring";
        });
        using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<DurableRuntime<EscrowState, EscrowCommand, EscrowEvent>>());
        Assert.Equal(3, provider.GetServices<IHostedService>().Count());
        Assert.NotNull(provider.GetRequiredService<StorageRequestCounter>());
    }

    [Fact]
    public void GivenABadHubName_ThenOptionsAreRefusedClearly()
    {
        var error = Assert.Throws<InvalidOperationException>(() => NewRuntime(o => o.HubName = "bad-hub"));
        Assert.Contains("HubName", error.Message, StringComparison.Ordinal);
    }

    private static DurableRuntime<EscrowState, EscrowCommand, EscrowEvent> NewRuntime(Action<DurableOptions> configure)
    {
        var options = new DurableOptions { ConnectionString = "UseDevelopmentStorage=true" };
        configure(options);
        return new DurableRuntime<EscrowState, EscrowCommand, EscrowEvent>(new EscrowDecider(), options, new FakeTimeProvider(), [], []);
    }
}
