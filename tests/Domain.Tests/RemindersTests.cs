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
}
