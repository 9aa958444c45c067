using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

public sealed partial class TicketDeciderTests
{
    [Fact]
    public void GivenNoTicket_WhenDelayReported_ThenIgnoredNoTicket()
    {
        Assert.Equal("no_ticket", Ignored(When(TicketState.Initial, new ReportDelay(UrgedAt.AddDays(2), UrgedAt, UrgedAt))));
    }

    [Theory]
    [MemberData(nameof(Shipped), MemberType = typeof(Fixtures))]
    public void GivenOpenTicket_WhenDelayReported_ThenRecordedWithoutSuspendingTheTicket(string marketplace)
    {
        var state = Opened(marketplace);

        var events = When(state, new ReportDelay(UrgedAt.AddDays(2), UrgedAt.AddHours(1), UrgedAt.AddHours(1)));

        Assert.Equal("not_applicable_in_state", Ignored(events));
        Assert.Equal(state.ActiveDeadline, Then(state, events).ActiveDeadline);
    }

    [Fact]
    public void GivenCompleted_WhenDelayReported_ThenIgnoredTicketCompleted()
    {
        var state = Given(Opened(Xhs), new RecordShipment(AllItems(), UrgedAt.AddHours(1), UrgedAt.AddHours(1)));

        Assert.Equal("ticket_completed", Ignored(When(state, new ReportDelay(UrgedAt.AddDays(2), UrgedAt.AddHours(2), UrgedAt.AddHours(2)))));
    }

    [Fact]
    public void GivenOpenTicket_WhenDelayReportOccurredInFuture_ThenRejected()
    {
        Assert.Equal("occurred_in_future", WhenRejected(Opened(Xhs), new ReportDelay(UrgedAt.AddDays(2), UrgedAt.AddSeconds(301), UrgedAt)).Code);
    }
}
