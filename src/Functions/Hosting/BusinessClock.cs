using System.ComponentModel.DataAnnotations;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using UrgeShipment.Functions.Projections;

namespace UrgeShipment.Functions.Hosting;

public sealed class ClockOptions
{
    /// <summary>Enables <c>POST /api/dev/clock</c>. The host refuses to start with it in Production.</summary>
    public bool AllowTravel { get; set; }

    /// <summary>How often a host re-reads the stored offset, so that every host on the same storage keeps one clock.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Business time outside orchestrations: real time plus the dev-clock offset, which only <c>POST /api/dev/clock</c>
/// moves (never in Production). Timers created through it run on real time. Inside an orchestration, business time is
/// <c>context.CurrentUtcDateTime</c> plus the offset the orchestration was told.
/// </summary>
public sealed class BusinessClock(TimeProvider inner) : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Offset;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);

    /// <summary>Takes a stored offset; the clock only moves forward.</summary>
    public void MoveTo(TimeSpan offset)
    {
        long seen;
        do
        {
            seen = Interlocked.Read(ref _offsetTicks);
            if (offset.Ticks <= seen)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _offsetTicks, offset.Ticks, seen) != seen);
    }
}

/// <summary>
/// The stored dev-clock offset (one row in the settings table), so a restarted host and every other host on the same
/// storage keep the same business time. Read at start and every <see cref="ClockOptions.RefreshInterval"/>.
/// </summary>
public sealed partial class DevClock(TableServiceClient tables, StorageNames names, BusinessClock clock, IOptions<ClockOptions> options, ILogger<DevClock> logger)
    : BackgroundService
{
    private const string Partition = "clock";
    private const string Row = "offset";
    private readonly TableClient _table = tables.GetTableClient(names.SettingsTable);

    /// <summary>Moves the stored offset forward by <paramref name="by"/> (optimistic concurrency: two hosts never lose a move).</summary>
    public async Task<TimeSpan> AdvanceAsync(TimeSpan by, CancellationToken ct)
    {
        while (true)
        {
            var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: ct);
            var current = row.HasValue ? TimeSpan.FromTicks(row.Value!.GetInt64("OffsetTicks") ?? 0) : TimeSpan.Zero;
            var next = Max(current, clock.Offset) + by;
            var entity = new TableEntity(Partition, Row) { ["OffsetTicks"] = next.Ticks };
            try
            {
                if (row.HasValue)
                {
                    await _table.UpdateEntityAsync(entity, row.Value!.ETag, TableUpdateMode.Replace, ct);
                }
                else
                {
                    await _table.AddEntityAsync(entity, ct);
                }
                clock.MoveTo(next);
                return next;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // another host moved it at the same time: read again and add ours on top
            }
        }
    }

    public async Task RefreshAsync(CancellationToken ct)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: ct);
        if (row.HasValue)
        {
            clock.MoveTo(TimeSpan.FromTicks(row.Value!.GetInt64("OffsetTicks") ?? 0));
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken);
        await RefreshAsync(cancellationToken); // before the host serves a request
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (RequestFailedException e)
            {
                LogRefreshFailed(logger, e); // storage hiccup: the next tick reads again
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(LogLevel.Warning, "Reading the dev-clock offset failed; trying again.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
