using System.Globalization;

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

    /// <summary>
    /// The reminders not yet sent for the ticket's active deadline, earliest first: <see cref="For"/> from
    /// <see cref="TicketState.ActiveDeadlineSince"/> minus <see cref="TicketState.RemindersSent"/>. None when the clock is
    /// paused, the ticket is completed or in intervention, or no deadline is running. The host schedules each at its
    /// <see cref="Reminder.At"/> and sends <see cref="RemindSeller"/>; the per-account daily cap is the host's.
    /// </summary>
    public static IReadOnlyList<Reminder> Due(TicketState state) =>
        state is { IsOpen: true, IsPaused: false, ActiveDeadline: { } deadline, Policy: { } policy, ActiveDeadlineSince: { } since }
            ? [.. For(deadline, policy, since).Where(r => !state.RemindersSent.Contains(r.Key, StringComparer.Ordinal))]
            : [];

    /// <summary>A lead time as the seller notice shows it: <c>4h</c>, <c>90m</c>, <c>45s</c>.</summary>
    public static string LeadName(TimeSpan lead) =>
        lead.Ticks % TimeSpan.TicksPerHour == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(long)lead.TotalHours}h")
        : lead.Ticks % TimeSpan.TicksPerMinute == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(long)lead.TotalMinutes}m")
        : string.Create(CultureInfo.InvariantCulture, $"{(long)lead.TotalSeconds}s");

    /// <summary>Whether one more reminder may go to an account that has had <paramref name="sentToday"/> today.</summary>
    public static bool WithinDailyCap(int sentToday, MarketplacePolicy policy) => sentToday < policy.ReminderDailyCapPerAccount;
}
