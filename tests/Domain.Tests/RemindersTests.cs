using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed class RemindersTests
{
    [Fact]
    public void GivenAnActiveReplyDeadline_WhenRemindersArePlanned_ThenAt4HoursAnd1HourLeft()
    {
        var deadline = Opened(Xhs).ActiveDeadline!;

        var reminders = Reminders.For(deadline, Xhs, UrgedAt);

        Assert.Equal([ReplyDue.AddHours(-4), ReplyDue.AddHours(-1)], reminders.Select(r => r.At));
        Assert.Equal(2, reminders.Select(r => r.Key).Distinct().Count());
    }

    [Fact]
    public void GivenAReminderTimeAlreadyPast_WhenPlanned_ThenSkipped()
    {
        var reminders = Reminders.For(Opened(Xhs).ActiveDeadline!, Xhs, ReplyDue.AddHours(-2));

        Assert.Equal([ReplyDue.AddHours(-1)], reminders.Select(r => r.At));
    }

    [Fact]
    public void GivenTenRemindersToday_WhenAnotherIsDue_ThenTheDailyCapRefusesIt()
    {
        Assert.True(Reminders.WithinDailyCap(9, Xhs));
        Assert.False(Reminders.WithinDailyCap(10, Xhs));
    }

    [Fact]
    public void GivenFreshReplyDeadline_WhenDueRemindersAreListed_ThenTheFourHourAndOneHourKeys()
    {
        var state = Opened(Xhs);

        var due = Reminders.Due(state);

        Assert.Equal(UrgedAt, state.ActiveDeadlineSince);
        Assert.Equal([ReplyDue.AddHours(-4), ReplyDue.AddHours(-1)], due.Select(r => r.At));
        Assert.Equal([$"reminder:reply:{ReplyDue.UtcTicks}:14400", $"reminder:reply:{ReplyDue.UtcTicks}:3600"], due.Select(r => r.Key));
    }

    [Fact]
    public void GivenDelayReplyWithShipByTwoHoursAhead_WhenDueRemindersAreListed_ThenOnlyTheOneHourReminder()
    {
        var replyAt = UrgedAt.AddHours(1);
        var state = Given(Opened(Xhs), new ReplyWithDelay(replyAt.AddHours(2), "R-1", replyAt));

        var due = Reminders.Due(state);

        Assert.Equal(replyAt, state.ActiveDeadlineSince);
        var reminder = Assert.Single(due);
        Assert.Equal(replyAt.AddHours(1), reminder.At);
        Assert.Equal(TimeSpan.FromHours(1), reminder.Lead);
        Assert.StartsWith("reminder:ship_by:", reminder.Key, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenCompletedOrEscalatedOrNoTicket_WhenDueRemindersAreListed_ThenNone()
    {
        var completed = Given(Opened(Xhs), new RecordShipment(AllItems(), UrgedAt.AddHours(1), UrgedAt.AddHours(1)));

        Assert.Empty(Reminders.Due(completed));
        Assert.Null(completed.ActiveDeadlineSince);
        Assert.Empty(Reminders.Due(Given(Opened(Tb), new LapseDeadline(DeadlineKind.Reply, ReplyDue, ReplyDue + Grace))));
        Assert.Empty(Reminders.Due(TicketState.Initial));
    }

    [Fact]
    public void GivenLeadTimes_WhenNamedForTheNotice_ThenHoursMinutesOrSeconds()
    {
        Assert.Equal("4h", Reminders.LeadName(TimeSpan.FromHours(4)));
        Assert.Equal("1h", Reminders.LeadName(TimeSpan.FromHours(1)));
        Assert.Equal("90m", Reminders.LeadName(TimeSpan.FromMinutes(90)));
        Assert.Equal("45s", Reminders.LeadName(TimeSpan.FromSeconds(45)));
    }
}
