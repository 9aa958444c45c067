using System.Globalization;

namespace UrgeShipment.Domain;

/// <summary>
/// Operator commands (DESIGN.md "Operator commands are first-class"): audited, every event names who and why.
/// They steer the clock and the outcome; they never touch settled money. On a completed ticket only
/// <see cref="ResolveReview"/> (and <see cref="RetryWork"/>) apply: the work owed outlives the ticket.
/// </summary>
public static partial class TicketDecider
{
    // ---------------------------------------------------------------- operator: extend the active deadline

    private static Decision Extend(TicketState state, ExtendDeadline c)
    {
        if (Audit(c.Operator, c.Why, "an extension") is { } refused)
        {
            return refused;
        }

        switch (state.Status)
        {
            case TicketStatus.None:
            case TicketStatus.PlatformIntervention:
            case TicketStatus.Completed:
                return NoActiveDeadline(state);
            case TicketStatus.AwaitingSellerReply:
            case TicketStatus.AwaitingSellerExecution:
            case TicketStatus.AwaitingBuyerConfirmation:
                if (state.ActiveDeadline is not { } active)
                {
                    return NoActiveDeadline(state);
                }

                var max = state.Policy!.MaxOperatorExtension;
                if (c.By <= TimeSpan.Zero || c.By > max)
                {
                    return Reject(RejectionCodes.InvalidExtension, $"an extension must be more than zero and at most {Span(max)}");
                }

                return Accept(new DeadlineExtended(active.Kind, active.DueAt, active.DueAt + c.By, c.Operator, c.Why, c.Now));
            default:
                throw Unknown(state.Status);
        }
    }

    // ---------------------------------------------------------------- operator: pause / resume the clock

    private static Decision Pause(TicketState state, PauseClock c)
    {
        if (Audit(c.Operator, c.Why, "a pause") is { } refused)
        {
            return refused;
        }

        switch (state.Status)
        {
            case TicketStatus.None:
            case TicketStatus.PlatformIntervention:
            case TicketStatus.Completed:
                return NoActiveDeadline(state);
            case TicketStatus.AwaitingSellerReply:
            case TicketStatus.AwaitingSellerExecution:
            case TicketStatus.AwaitingBuyerConfirmation:
                if (state.ActiveDeadline is not { } active)
                {
                    return NoActiveDeadline(state);
                }

                if (state.PausedAt is { } pausedAt)
                {
                    return Reject(RejectionCodes.AlreadyPaused, $"the clock has been paused since {Instant(pausedAt)}");
                }

                if (c.Now > active.DueAt)
                {
                    // Only its lapse is pending: there is no time left to stop (an extension can still move it).
                    return Reject(RejectionCodes.DeadlinePassed, $"the {active.Kind.WireName()} deadline passed at {Instant(active.DueAt)}");
                }

                return Accept(new ClockPaused(c.Operator, c.Why, c.Now));
            default:
                throw Unknown(state.Status);
        }
    }

    private static Decision Resume(TicketState state, ResumeClock c)
    {
        if (Audit(c.Operator, c.Why, "a resume") is { } refused)
        {
            return refused;
        }

        switch (state.Status)
        {
            case TicketStatus.None:
            case TicketStatus.PlatformIntervention:
            case TicketStatus.Completed:
                // A pause ends with the deadline it held (Evolve clears it on completion and escalation).
                return NotPaused();
            case TicketStatus.AwaitingSellerReply:
            case TicketStatus.AwaitingSellerExecution:
            case TicketStatus.AwaitingBuyerConfirmation:
                return state.PausedAt is { } pausedAt
                    ? Accept(new ClockResumed(c.Now > pausedAt ? c.Now - pausedAt : TimeSpan.Zero, c.Operator, c.Why, c.Now))
                    : NotPaused();
            default:
                throw Unknown(state.Status);
        }
    }

    // ---------------------------------------------------------------- operator: resolve the review flag

    private static Decision ResolveFlag(TicketState state, ResolveReview c)
    {
        if (Audit(c.Operator, c.Why, "a review resolution") is { } refused)
        {
            return refused;
        }

        switch (state.Status)
        {
            case TicketStatus.None:
                return Reject(RejectionCodes.NotFlagged, "there is no ticket for this order, so nothing is flagged");
            case TicketStatus.AwaitingSellerReply:
            case TicketStatus.AwaitingSellerExecution:
            case TicketStatus.AwaitingBuyerConfirmation:
            case TicketStatus.PlatformIntervention:
            case TicketStatus.Completed:
                if (!state.NeedsReview)
                {
                    return Reject(RejectionCodes.NotFlagged, "the ticket is not flagged for review");
                }

                // Settled money is never touched; reversed or already cancelled compensation is no longer owed.
                string[] cancelled = c.CancelPendingCompensation
                    ? [.. state.Compensations.Where(x => x.Status != WorkStatus.Done && x.ReversedAt is null && x.CancelledAt is null).Select(x => x.IdempotencyKey)]
                    : [];
                return Accept(new ReviewResolved(c.Operator, c.Why, cancelled, c.Now));
            default:
                throw Unknown(state.Status);
        }
    }

    // ---------------------------------------------------------------- operator: force a completion

    private static Decision Force(TicketState state, ForceComplete c)
    {
        if (Audit(c.Operator, c.Why, "a forced completion") is { } refused)
        {
            return refused;
        }

        switch (state.Status)
        {
            case TicketStatus.None:
                return Reject(RejectionCodes.NoTicket, "there is no ticket for this order");
            case TicketStatus.AwaitingSellerReply:
            case TicketStatus.AwaitingSellerExecution:
            case TicketStatus.AwaitingBuyerConfirmation:
            case TicketStatus.PlatformIntervention:
                // No compensation: compensation already owed stays owed (ResolveReview cancels it, never this).
                return Accept(new TicketForceCompleted(c.Operator, c.Why, c.Now), new TicketCompleted(TicketOutcome.ForceCompleted, c.Now));
            case TicketStatus.Completed:
                return Reject(RejectionCodes.TicketCompleted, $"the ticket completed ({state.Outcome?.WireName()}) at {Instant(state.CompletedAt!.Value)}");
            default:
                throw Unknown(state.Status);
        }
    }

    // ---------------------------------------------------------------- reminder timer

    private static Decision Remind(TicketState state, RemindSeller c)
    {
        const string What = "reminder.seller";
        switch (state.Status)
        {
            case TicketStatus.None:
                return Ignore(IgnoredReasons.NoTicket, What, c.Now);
            case TicketStatus.PlatformIntervention:
            case TicketStatus.Completed:
                return Ignore(IgnoredReasons.StaleReminder, What, c.Now);
            case TicketStatus.AwaitingSellerReply:
            case TicketStatus.AwaitingSellerExecution:
            case TicketStatus.AwaitingBuyerConfirmation:
                // Due() is empty while paused; a sent key, or one for a replaced or extended deadline, is not in it.
                var reminder = Reminders.Due(state).FirstOrDefault(r => string.Equals(r.Key, c.Key, StringComparison.Ordinal));
                if (reminder is null || state.ActiveDeadline is not { } active || c.Now >= active.DueAt)
                {
                    return Ignore(IgnoredReasons.StaleReminder, What, c.Now);
                }

                if (c.Now < reminder.At)
                {
                    return Reject(RejectionCodes.DeadlineNotDue, $"reminder '{c.Key}' is due at {Instant(reminder.At)}");
                }

                return Accept(
                    new SellerReminded(reminder.Key, active.Kind, active.DueAt, reminder.Lead, c.Now),
                    Notify(reminder.Key, NoticeAudience.Seller, NoticeTemplates.SellerReminder, c.Now,
                        ("orderId", state.Order!.OrderId), ("deadline", active.Kind.WireName()), ("dueAt", Instant(active.DueAt)), ("lead", Reminders.LeadName(reminder.Lead))));
            default:
                throw Unknown(state.Status);
        }
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Every operator command names who and says why.</summary>
    private static Decision.Rejected? Audit(string @operator, string why, string what)
    {
        if (string.IsNullOrWhiteSpace(@operator))
        {
            return Reject(RejectionCodes.OperatorRequired, $"{what} names the operator");
        }

        return string.IsNullOrWhiteSpace(why) ? Reject(RejectionCodes.WhyRequired, $"{what} says why") : null;
    }

    private static Decision.Rejected NoActiveDeadline(TicketState state) =>
        Reject(RejectionCodes.NoActiveDeadline, state.HasTicket ? $"the ticket is {state.Status.WireName()}: no deadline is running" : "there is no ticket for this order");

    private static Decision.Rejected NotPaused() => Reject(RejectionCodes.NotPaused, "the ticket's clock is not paused");

    private static string Span(TimeSpan span) => span.ToString("c", CultureInfo.InvariantCulture);
}
