using System.Collections.Concurrent;
using Microsoft.DurableTask;

namespace UrgeShipment.Bench.Baseline;

internal sealed record UrgeInput(DateTimeOffset Due);

internal sealed record LapseInput(string Id, DateTimeOffset Due);

/// <summary>
/// The bare orchestrator: <c>CreateTimer(due)</c> against <c>WaitForExternalEvent("reply")</c>. Reply wins → cancel the
/// timer, wait for "shipped", complete. Timer wins → one activity <c>Lapse</c>, complete. It tells the in-process driver
/// (not replaying) when it started, saw the reply and finished: no storage request is spent on finding out.
/// </summary>
[DurableTask(Name)]
internal sealed class UrgeOrchestrator : TaskOrchestrator<UrgeInput, string>
{
    public const string Name = "Urge";

    public override async Task<string> RunAsync(TaskOrchestrationContext context, UrgeInput input)
    {
        var id = context.InstanceId;
        if (!context.IsReplaying)
        {
            Signals.Set(id, Stage.Opened);
        }
        using var cancel = new CancellationTokenSource();
        var timer = context.CreateTimer(input.Due.UtcDateTime, cancel.Token);
        var reply = context.WaitForExternalEvent<string>("reply");
        if (await Task.WhenAny(timer, reply) == reply)
        {
            await cancel.CancelAsync();
            if (!context.IsReplaying)
            {
                Signals.Set(id, Stage.Replied);
            }
            await context.WaitForExternalEvent<string>("shipped");
            if (!context.IsReplaying)
            {
                Signals.Set(id, Stage.Done);
            }
            return "shipped";
        }
        if (!context.IsReplaying)
        {
            Signals.TimerSeen[id] = context.CurrentUtcDateTime;
        }
        await context.CallActivityAsync(LapseActivity.Name, new LapseInput(id, input.Due));
        if (!context.IsReplaying)
        {
            Signals.Set(id, Stage.Done);
        }
        return "lapsed";
    }
}

/// <summary>The lapse activity: records its own wall time against the due time (fired − due).</summary>
[DurableTask(Name)]
internal sealed class LapseActivity : TaskActivity<LapseInput, string>
{
    public const string Name = "Lapse";

    public override Task<string> RunAsync(TaskActivityContext context, LapseInput input)
    {
        Signals.Lapsed.TryAdd(input.Id, (DateTimeOffset.UtcNow - input.Due).TotalSeconds);
        return Task.FromResult("lapsed");
    }
}

internal enum Stage
{
    Opened,
    Replied,
    Done,
}

/// <summary>In-process signals from the orchestrations to the driver.</summary>
internal static class Signals
{
    private static readonly ConcurrentDictionary<(string, Stage), TaskCompletionSource> Waiters = new();

    /// <summary>Instance id → the lapse activity's wall time − due, seconds (first run only).</summary>
    public static readonly ConcurrentDictionary<string, double> Lapsed = new(StringComparer.Ordinal);

    /// <summary>Instance id → the orchestration's time (CurrentUtcDateTime) when it saw its timer fire.</summary>
    public static readonly ConcurrentDictionary<string, DateTime> TimerSeen = new(StringComparer.Ordinal);

    private static int _opened;

    public static int OpenedCount => Volatile.Read(ref _opened);

    public static void Set(string id, Stage stage)
    {
        if (Of(id, stage).TrySetResult() && stage == Stage.Opened)
        {
            Interlocked.Increment(ref _opened);
        }
    }

    public static Task When(string id, Stage stage) => Of(id, stage).Task;

    public static void Forget(string id)
    {
        foreach (var stage in Enum.GetValues<Stage>())
        {
            Waiters.TryRemove((id, stage), out _);
        }
    }

    private static TaskCompletionSource Of(string id, Stage stage) =>
        Waiters.GetOrAdd((id, stage), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
