namespace UrgeShipment.Domain;

/// <summary>Seller reminders before the active deadline (RULES.md: at 4 h and 1 h left, at most 10 per account per day).</summary>
public static class Reminders
{
    /// <summary>A reminder due at <see cref="At"/>, once, under <see cref="Key"/> (unique per ticket and deadline).</summary>
    public sealed record Reminder(string Key, DateTimeOffset At, TimeSpan Lead);

    /// <summary>The reminders for <paramref name="deadline"/>, earliest first; those whose time is before <paramref name="from"/> are skipped.</summary>
    public static IReadOnlyList<Reminder> For(ActiveDeadline deadline, MarketplacePolicy policy, DateTimeOffset from) =>
    [
        .. policy.ReminderLeadTimes
            .Distinct()
            .Select(lead => new Reminder($"reminder:{deadline.Kind.WireName()}:{deadline.DueAt.UtcTicks}:{(long)lead.TotalSeconds}", deadline.DueAt - lead, lead))
            .Where(r => r.At >= from && r.At < deadline.DueAt)
            .OrderBy(r => r.At),
    ];

    /// <summary>Whether one more reminder may go to an account that has had <paramref name="sentToday"/> today.</summary>
    public static bool WithinDailyCap(int sentToday, MarketplacePolicy policy) => sentToday < policy.ReminderDailyCapPerAccount;
}
