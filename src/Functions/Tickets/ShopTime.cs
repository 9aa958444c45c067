namespace UrgeShipment.Functions.Tickets;

/// <summary>Times are stored in UTC and shown in the shop's time zone (Asia/Shanghai unless configured; China keeps no DST).</summary>
public static class ShopTime
{
    private static readonly TimeZoneInfo Shanghai = Find("Asia/Shanghai");

    public static TimeZoneInfo Zone => Shanghai;

    public static DateTimeOffset Show(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Shanghai);

    public static DateTimeOffset? Show(DateTimeOffset? at) => at is { } value ? Show(value) : null;

    private static TimeZoneInfo Find(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException)
        {
            // Minimal containers may ship without tzdata; Shanghai has been a fixed +08:00 since 1991.
            return TimeZoneInfo.CreateCustomTimeZone(id, TimeSpan.FromHours(8), id, id);
        }
    }
}
