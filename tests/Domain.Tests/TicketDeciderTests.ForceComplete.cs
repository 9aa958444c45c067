using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

/// <summary>ForceComplete: an operator completes an open ticket, with no compensation.</summary>
public sealed partial class TicketDeciderTests
{
    public static TheoryData<string> OpenStates => new() { "awaiting_seller_reply", "awaiting_seller_execution", "awaiting_buyer_confirmation", "platform_intervention" };

    private static TicketState InState(string status) => status switch
    {
        "awaiting_seller_reply" => Opened(Tb),
        "awaiting_seller_execution" => AwaitingExecution(Tb),
        "awaiting_buyer_confirmation" => AwaitingBuyer(Tb),
        "platform_intervention" => InIntervention(Tb),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private static readonly DateTimeOffset ForcedAt = ReplyDue.AddDays(2);

    private static ForceComplete Force() => new("ops@urge", "order cancelled by phone", ForcedAt);

    [Theory]
    [MemberData(nameof(OpenStates))]
    public void GivenOpenTicket_WhenOperatorForcesCompletion_ThenCompletedForceCompletedWithoutCompensation(string status)
    {
        var state = InState(status);

        var events = When(state, Force());

        var after = Then(state, events);
        Assert.Equal([new TicketForceCompleted("ops@urge", "order cancelled by phone", ForcedAt), new TicketCompleted(TicketOutcome.ForceCompleted, ForcedAt)], events);
        Assert.Equal(TicketStatus.Completed, after.Status);
        Assert.Equal(TicketOutcome.ForceCompleted, after.Outcome);
        Assert.Equal("force_completed", after.Outcome!.Value.WireName());
        Assert.Empty(after.Compensations);
        Assert.Null(after.ActiveDeadline);
    }

    [Fact]
    public void GivenTaobaoInterventionWithComplaintFilingPending_WhenForceCompleted_ThenNoFilingLeftToDo()
    {
        var state = InIntervention(Tb);
        Assert.Equal(WorkStatus.Pending, state.ComplaintFiling);

        var after = Then(state, When(state, Force()));

        Assert.DoesNotContain(after.PendingWork, w => w.Kind == WorkKind.FileComplaint);
    }

    [Fact]
    public void GivenPausedTicket_WhenForceCompleted_ThenNoLongerPaused()
    {
        var after = Given(Opened(Xhs), Pause(), new ForceComplete("ops", "why", PausedAt.AddHours(1)));

        Assert.False(after.IsPaused);
        Assert.Equal(TicketOutcome.ForceCompleted, after.Outcome);
    }

    [Fact]
    public void GivenCompletedTicket_WhenForceCompleted_ThenRejectedTicketCompleted()
    {
        Assert.Equal("ticket_completed", WhenRejected(XhsCompensated(), Force()).Code);
        Assert.Equal("ticket_completed", WhenRejected(Given(Opened(Xhs), Force()), Force()).Code);
    }

    [Fact]
    public void GivenNoTicket_WhenForceCompleted_ThenRejectedNoTicket()
    {
        Assert.Equal("no_ticket", WhenRejected(TicketState.Initial, Force()).Code);
    }

    [Fact]
    public void GivenOpenTicket_WhenForceNamesNoOperatorOrNoWhy_ThenRejected()
    {
        Assert.Equal("operator_required", WhenRejected(Opened(Xhs), new ForceComplete(" ", "why", ForcedAt)).Code);
        Assert.Equal("why_required", WhenRejected(Opened(Xhs), new ForceComplete("ops", "", ForcedAt)).Code);
    }
}
