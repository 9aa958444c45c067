using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace UrgeShipment.Durable;

/// <summary>
/// A queue listener with Azure Functions' semantics: receives up to <c>batchSize</c> messages, fetches the next batch
/// when the messages in flight drop to <c>newBatchThreshold</c> (so at most batchSize + newBatchThreshold run at once),
/// polls again at once while messages are found and backs off exponentially to <c>maxPollingInterval</c> when idle,
/// and on shutdown stops receiving and lets the messages in flight finish.
/// </summary>
public abstract class QueueListener : BackgroundService
{
    private readonly QueueListenerOptions _options;
    private readonly TimeProvider _sleepClock;
    private readonly ILogger _logger;
    private readonly HashSet<Task> _inFlight = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _slotFreed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _sleeping;
    private long _polls;
    private long _sleeps;
    private long _sleepUntilTicks;

    private protected QueueListener(QueueListenerOptions options, TimeProvider sleepClock, ILogger? logger)
    {
        _options = options;
        _sleepClock = sleepClock;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>True while the listener sleeps between polls (tests wait for it before moving a fake clock).</summary>
    public bool IsSleeping => _sleeping;

    /// <summary>Receive requests made so far.</summary>
    public long Polls => Interlocked.Read(ref _polls);

    /// <summary>How many times the listener went to sleep (tests moving a fake clock wait on it).</summary>
    internal long Sleeps => Interlocked.Read(ref _sleeps);

    /// <summary>When (on the sleep clock) the current sleep ends.</summary>
    internal DateTimeOffset SleepingUntil => new(Interlocked.Read(ref _sleepUntilTicks), TimeSpan.Zero);

    private protected abstract QueueClient Queue { get; }

    private protected abstract WakeSignal Wake { get; }

    private protected abstract Task EnsureCreatedAsync(CancellationToken cancellationToken);

    private protected abstract Task HandleAsync(QueueMessage message, CancellationToken cancellationToken);

    private protected abstract Task AbandonAsync(QueueMessage message, Exception error, CancellationToken cancellationToken);

    /// <summary>Whether an in-process wake-up triggers an immediate receive (else it only re-computes the sleep).</summary>
    private protected virtual bool PollOnWake => true;

    /// <summary>The longest the listener may sleep now (the timer listener shortens it to the next known due time).</summary>
    private protected virtual TimeSpan LimitSleep(TimeSpan sleep) => sleep;

    /// <summary>Receives one batch and processes it completely; returns how many messages it got. For tests and tools.</summary>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var messages = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(messages.Select(m => ProcessAsync(m, cancellationToken))).ConfigureAwait(false);
        return messages.Length;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idleDelay = _options.MinPollingInterval;
        var batchSize = _options.EffectiveBatchSize;
        var threshold = _options.EffectiveNewBatchThreshold;
        try
        {
            await EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                Task slotFreed;
                lock (_gate)
                {
                    slotFreed = _inFlight.Count > threshold ? _slotFreed.Task : Task.CompletedTask;
                }

                if (!slotFreed.IsCompleted)
                {
                    await slotFreed.WaitAsync(stoppingToken).ConfigureAwait(false);
                    continue;
                }

                QueueMessage[] messages;
                try
                {
                    messages = await ReceiveAsync(stoppingToken, batchSize).ConfigureAwait(false);
                }
                catch (RequestFailedException ex)
                {
                    Log.PollFailed(_logger, ex, GetType().Name);
                    messages = [];
                }

                foreach (var message in messages)
                {
                    Track(ProcessAsync(message, stoppingToken));
                }

                if (messages.Length > 0)
                {
                    idleDelay = _options.MinPollingInterval;
                    continue;
                }

                // Sleep; a wake-up either means "messages are ready now" (activities) or, for timers, "a due time
                // this process knows of moved closer": then only the sleep is shortened, without an extra receive.
                var sleepEnd = _sleepClock.GetUtcNow() + idleDelay;
                while (true)
                {
                    var left = sleepEnd - _sleepClock.GetUtcNow();
                    var sleep = LimitSleep(left > TimeSpan.Zero ? left : TimeSpan.Zero);
                    Interlocked.Exchange(ref _sleepUntilTicks, (_sleepClock.GetUtcNow() + sleep).UtcTicks);
                    _sleeping = true;
                    Interlocked.Increment(ref _sleeps);
                    bool woken;
                    try
                    {
                        woken = await Wake.WaitAsync(sleep, _sleepClock, stoppingToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        _sleeping = false;
                    }

                    if (!woken || PollOnWake || _sleepClock.GetUtcNow() >= sleepEnd)
                    {
                        break;
                    }
                }

                idleDelay = idleDelay * 2 < _options.MaxPollingInterval ? idleDelay * 2 : _options.MaxPollingInterval;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }

        Task[] remaining;
        lock (_gate)
        {
            remaining = [.. _inFlight];
        }

        await Task.WhenAll(remaining).ConfigureAwait(false);
    }

    private async Task<QueueMessage[]> ReceiveAsync(CancellationToken cancellationToken, int? count = null)
    {
        Interlocked.Increment(ref _polls);
        var response = await Queue.ReceiveMessagesAsync(count ?? _options.EffectiveBatchSize, _options.MessageLease, cancellationToken).ConfigureAwait(false);
        return response.Value;
    }

    private void Track(Task task)
    {
        lock (_gate)
        {
            _inFlight.Add(task);
        }

        _ = task.ContinueWith(
            t =>
            {
                TaskCompletionSource freed;
                lock (_gate)
                {
                    _inFlight.Remove(t);
                    freed = _slotFreed;
                    _slotFreed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                freed.TrySetResult();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await HandleAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // shutting down: the message becomes visible again when its lease ends
        }
#pragma warning disable CA1031 // One bad message never stops the listener; it is retried after the visibility timeout.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await AbandonAsync(message, ex, CancellationToken.None).ConfigureAwait(false);
        }
    }
}

/// <summary>Wakes timers: fires them when due, re-enqueues them while early, drops stale and orphan wake-ups.</summary>
public sealed class TimerListener<TState, TCommand, TEvent> : QueueListener
    where TState : notnull
    where TCommand : notnull
    where TEvent : notnull
{
    private readonly DurableRuntime<TState, TCommand, TEvent> _runtime;

    public TimerListener(DurableRuntime<TState, TCommand, TEvent> runtime, ILogger<TimerListener<TState, TCommand, TEvent>>? logger = null)
        : base((runtime ?? throw new ArgumentNullException(nameof(runtime))).Options.Queues, runtime.SleepClock, logger)
    {
        _runtime = runtime;
    }

    private protected override QueueClient Queue => _runtime.TimerQueue;

    private protected override WakeSignal Wake => _runtime.TimerWake;

    private protected override Task EnsureCreatedAsync(CancellationToken cancellationToken) => _runtime.EnsureCreatedAsync(cancellationToken);

    private protected override Task HandleAsync(QueueMessage message, CancellationToken cancellationToken) =>
        _runtime.HandleTimerMessageAsync(message, cancellationToken);

    private protected override Task AbandonAsync(QueueMessage message, Exception error, CancellationToken cancellationToken) =>
        _runtime.AbandonAsync(_runtime.TimerQueue, message, error, cancellationToken);

    /// <summary>A new timer's wake-up is invisible until due: a commit only shortens the sleep.</summary>
    private protected override bool PollOnWake => false;

    /// <summary>Never sleep past the next due time this process knows of (plus a second for the queue's rounding).</summary>
    private protected override TimeSpan LimitSleep(TimeSpan sleep)
    {
        var now = _runtime.Clock.GetUtcNow();
        if (_runtime.KnownDueTimes.Next(now) is { } due)
        {
            var untilDue = due - now + TimeSpan.FromSeconds(1);
            if (untilDue < sleep)
            {
                return untilDue > TimeSpan.Zero ? untilDue : TimeSpan.FromMilliseconds(100);
            }
        }

        return sleep;
    }
}

/// <summary>Runs activities at least once with backoff; poisons them past maxDequeueCount; commits their results.</summary>
public sealed class ActivityListener<TState, TCommand, TEvent> : QueueListener
    where TState : notnull
    where TCommand : notnull
    where TEvent : notnull
{
    private readonly DurableRuntime<TState, TCommand, TEvent> _runtime;

    public ActivityListener(DurableRuntime<TState, TCommand, TEvent> runtime, ILogger<ActivityListener<TState, TCommand, TEvent>>? logger = null)
        : base((runtime ?? throw new ArgumentNullException(nameof(runtime))).Options.Queues, runtime.SleepClock, logger)
    {
        _runtime = runtime;
    }

    private protected override QueueClient Queue => _runtime.ActivityQueue;

    private protected override WakeSignal Wake => _runtime.ActivityWake;

    private protected override Task EnsureCreatedAsync(CancellationToken cancellationToken) => _runtime.EnsureCreatedAsync(cancellationToken);

    private protected override Task HandleAsync(QueueMessage message, CancellationToken cancellationToken) =>
        _runtime.HandleActivityMessageAsync(message, cancellationToken);

    private protected override Task AbandonAsync(QueueMessage message, Exception error, CancellationToken cancellationToken) =>
        _runtime.AbandonAsync(_runtime.ActivityQueue, message, error, cancellationToken);
}

/// <summary>Runs <see cref="DurableRuntime{TState,TCommand,TEvent}.SweepOnceAsync"/> every <see cref="DurableOptions.SweepInterval"/>.</summary>
public sealed class DeadlineSweeper<TState, TCommand, TEvent> : BackgroundService
    where TState : notnull
    where TCommand : notnull
    where TEvent : notnull
{
    private readonly DurableRuntime<TState, TCommand, TEvent> _runtime;
    private readonly ILogger _logger;
    private volatile bool _sleeping;
    private long _sleeps;
    private long _sleepUntilTicks;

    public DeadlineSweeper(DurableRuntime<TState, TCommand, TEvent> runtime, ILogger<DeadlineSweeper<TState, TCommand, TEvent>>? logger = null)
    {
        _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>True while the sweeper sleeps between sweeps.</summary>
    public bool IsSleeping => _sleeping;

    internal long Sleeps => Interlocked.Read(ref _sleeps);

    internal DateTimeOffset SleepingUntil => new(Interlocked.Read(ref _sleepUntilTicks), TimeSpan.Zero);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _runtime.SweepOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RequestFailedException ex)
            {
                Log.SweepFailed(_logger, ex);
            }

            Interlocked.Exchange(ref _sleepUntilTicks, (_runtime.SleepClock.GetUtcNow() + _runtime.Options.SweepInterval).UtcTicks);
            _sleeping = true;
            Interlocked.Increment(ref _sleeps);
            try
            {
                await Task.Delay(_runtime.Options.SweepInterval, _runtime.SleepClock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            finally
            {
                _sleeping = false;
            }
        }
    }
}
