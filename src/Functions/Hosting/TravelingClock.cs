namespace UrgeShipment.Functions.Hosting;

/// <summary>
/// The host's clock: real time plus an offset that only <c>POST /api/dev/clock</c> moves (and only with
/// <c>Clock:AllowTravel</c>, never in Production). Timers created through it run on real time, so after a jump
/// the runtime's sweeper is asked to fire whatever fell due.
/// </summary>
public sealed class TravelingClock(TimeProvider inner) : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Offset;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}
