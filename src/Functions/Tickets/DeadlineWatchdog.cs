using System.ComponentModel.DataAnnotations;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Functions.Projections;

namespace UrgeShipment.Functions.Tickets;

public sealed class WatchdogOptions
{
    /// <summary>A deadline is overdue when the listing shows it lapsed more than this long ago and the ticket still waits on it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan Margin { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// A lost or late durable timer cannot strand a ticket: every minute, tickets whose listing row shows an active
/// deadline lapsed more than <see cref="WatchdogOptions.Margin"/> ago are woken with a signal; their orchestration
/// looks at the clock again and lapses the deadline if it is due (a ticket that is not due, or already moved on, ignores it).
/// </summary>
public sealed partial class DeadlineWatchdog(TicketIndex index, BusinessClock clock, IOptions<WatchdogOptions> options, ILogger<DeadlineWatchdog> logger)
{
    public const string Schedule = "0 * * * * *";

    [Function(nameof(DeadlineWatchdog))]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        await WakeOverdueAsync(client, cancellationToken);

    /// <summary>Wakes every overdue ticket; returns how many.</summary>
    public async Task<int> WakeOverdueAsync(DurableTaskClient client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var woken = 0;
        await foreach (var ticketId in index.OverdueAsync(clock.GetUtcNow() - options.Value.Margin, ct))
        {
            if (await client.GetInstanceAsync(ticketId, ct) is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended })
            {
                await client.RaiseEventAsync(ticketId, TicketOrchestrator.SignalEvent, new WakeSignal { ClockOffset = clock.Offset }, ct);
                woken++;
            }
        }
        if (woken > 0)
        {
            LogWoken(logger, woken);
        }
        return woken;
    }

    [LoggerMessage(LogLevel.Warning, "Deadline watchdog woke {Count} overdue tickets (their timers were late or lost).")]
    private static partial void LogWoken(ILogger logger, int count);
}
