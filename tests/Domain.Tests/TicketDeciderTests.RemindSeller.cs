using System.Globalization;
using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

/// <summary>RemindSeller: the reminder timer reminds the seller once per reminder of the active deadline (4 h and 1 h left).</summary>
public sealed partial class TicketDeciderTests
{
    private static Reminders.Reminder DueReminder(TicketState state, TimeSpan lead) => Assert.Single(Reminders.Due(state), r => r.Lead == lead);

    [Fact]
    public void GivenFreshReplyDeadline_WhenTheFourHourReminderFires_ThenSellerRemindedWithASellerNotice()
    {
        var state = Opened(Xhs);
        var reminder = DueReminder(state, TimeSpan.FromHours(4));

        var events = When(state, new RemindSeller(reminder.Key, reminder.At));

        Assert.Equal(new SellerReminded(reminder.Key, DeadlineKind.Reply, ReplyDue, TimeSpan.FromHours(4), reminder.At), events[0]);
        var notice = Assert.IsType<NoticeQueued>(events[1]).Notice;
        Assert.Equal(reminder.Key, notice.Key);
        Assert.Equal(NoticeAudience.Seller, notice.Audience);
        Assert.Equal(NoticeTemplates.SellerReminder, notice.Template);
        Assert.Equal("O-1001", notice.Parameters["orderId"]);
        Assert.Equal("reply", notice.Parameters["deadline"]);
        Assert.Equal(ReplyDue, DateTimeOffset.Parse(notice.Parameters["dueAt"], CultureInfo.InvariantCulture));
        Assert.Equal(ReplyDue.ToString("O", CultureInfo.InvariantCulture), notice.Parameters["dueAt"]);
        Assert.Equal("4h", notice.Parameters["lead"]);
        var after = Then(state, events);
        Assert.Equal([reminder.Key], after.RemindersSent);
        Assert.Contains(new WorkItem(reminder.Key, WorkKind.DeliverNotice), after.PendingWork);
        Assert.Equal([ReplyDue.AddHours(-1)], Reminders.Due(after).Select(r => r.At));
    }

    [Fact]
    public void GivenReminderSent_WhenTheTimerIsRedelivered_ThenIgnoredStaleReminder_SoEachIsSentOnce()
    {
        var state = Opened(Xhs);
        var reminder = DueReminder(state, TimeSpan.FromHours(1));
        var after = Given(state, new RemindSeller(reminder.Key, reminder.At));

        Assert.Equal("stale_reminder", Ignored(When(after, new RemindSeller(reminder.Key, reminder.At.AddSeconds(5)))));
    }

    [Fact]
    public void GivenReplyLapsedIntoIntervention_WhenAReminderFires_ThenIgnoredStaleReminder()
    {
        var key = DueReminder(Opened(Tb), TimeSpan.FromHours(1)).Key;

        Assert.Equal("stale_reminder", Ignored(When(InIntervention(Tb), new RemindSeller(key, ReplyDue + Grace))));
        Assert.Equal("stale_reminder", Ignored(When(XhsLateCompensated(), new RemindSeller(key, ReplyDue + Grace))));
    }

    [Fact]
    public void GivenDeadlinePassedButNotLapsed_WhenAnUnsentReminderFires_ThenIgnoredStaleReminder()
    {
        var state = Opened(Xhs);

        Assert.Equal("stale_reminder", Ignored(When(state, new RemindSeller(DueReminder(state, TimeSpan.FromHours(1)).Key, ReplyDue))));
    }

    [Fact]
    public void GivenTheReplyDeadlineWasReplacedByShipBy_WhenAnOldReplyReminderFires_ThenIgnoredStaleReminder()
    {
        var key = DueReminder(Opened(Xhs), TimeSpan.FromHours(1)).Key;

        Assert.Equal("stale_reminder", Ignored(When(AwaitingExecution(Xhs), new RemindSeller(key, ReplyDue.AddHours(-1)))));
    }

    [Fact]
    public void GivenTheDeadlineWasExtended_WhenTheOldKeyFires_ThenIgnored_AndTheNewDeadlinesRemindersAreDue()
    {
        var old = DueReminder(Opened(Xhs), TimeSpan.FromHours(4));
        var state = Given(Opened(Xhs), Extend(SixHours));

        Assert.Equal("stale_reminder", Ignored(When(state, new RemindSeller(old.Key, old.At))));
        Assert.Equal([ReplyDue + SixHours - TimeSpan.FromHours(4), ReplyDue + SixHours - TimeSpan.FromHours(1)], Reminders.Due(state).Select(r => r.At));
    }

    [Fact]
    public void GivenPausedClock_WhenAReminderFires_ThenIgnoredStaleReminder_AndAfterResumeOnlyTheRemainingOneIsDue()
    {
        var key = DueReminder(Opened(Xhs), TimeSpan.FromHours(1)).Key;
        var paused = Given(Opened(Xhs), Pause());

        Assert.Empty(Reminders.Due(paused));
        Assert.Equal("stale_reminder", Ignored(When(paused, new RemindSeller(key, ReplyDue.AddHours(-1)))));

        // Paused 2 h before the deadline (the 4 h reminder's time had passed), resumed 3 h later: only the 1 h one remains.
        var resumed = Given(paused, Resume(PausedAt.AddHours(3)));
        Assert.Equal([ReplyDue.AddHours(2)], Reminders.Due(resumed).Select(r => r.At));
        Assert.Equal("stale_reminder", Ignored(When(resumed, new RemindSeller(key, ReplyDue.AddHours(2)))));
    }

    [Fact]
    public void GivenAReminderNotYetDue_WhenItsTimerFiresEarly_ThenRejectedDeadlineNotDue()
    {
        var reminder = DueReminder(Opened(Xhs), TimeSpan.FromHours(4));

        Assert.Equal("deadline_not_due", WhenRejected(Opened(Xhs), new RemindSeller(reminder.Key, reminder.At - Tick)).Code);
    }

    [Fact]
    public void GivenNoTicket_WhenAReminderFires_ThenIgnoredNoTicket()
    {
        Assert.Equal("no_ticket", Ignored(When(TicketState.Initial, new RemindSeller("reminder:reply:1:3600", ReplyDue))));
    }

    [Fact]
    public void GivenAReminderNoticeQueued_WhenDelivered_ThenDone()
    {
        var reminder = DueReminder(Opened(Xhs), TimeSpan.FromHours(1));
        var state = Given(Opened(Xhs), new RemindSeller(reminder.Key, reminder.At));

        var after = Given(state, new RecordNoticeDelivered(reminder.Key, reminder.At.AddMinutes(1)));

        Assert.Equal(WorkStatus.Done, Assert.Single(after.Notices, n => n.Key == reminder.Key).Status);
    }
}
