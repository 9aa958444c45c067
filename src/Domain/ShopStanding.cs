namespace UrgeShipment.Domain;

/// <summary>A ticket of a shop that ended in compensation, and when; <paramref name="AppealUpheld"/>: its points were reversed on appeal.</summary>
public sealed record CompensatedTicket(string TicketId, DateTimeOffset CompensatedAt, bool AppealUpheld = false);

/// <summary>Violation points charged for one ticket: <see cref="Reason"/> is <c>first</c> or <c>repeat_within_window</c>.</summary>
public sealed record ViolationPointEntry(string TicketId, DateTimeOffset At, int Points, string Reason);

/// <summary>One two-week cycle of a shop's shipments (XHS-OVERDUE): packages and how many were picked up by the promised time.</summary>
public sealed record ShippingCycle(DateTimeOffset CycleStart, int Packages, int OnTime);

/// <summary>Points for a cycle: <see cref="Severity"/> is <c>general</c> or <c>serious</c>.</summary>
public sealed record OnTimePenalty(DateTimeOffset CycleStart, decimal OnTimeRate, int Points, string Severity);

/// <summary>Shop standing (XHS-DELAY, XHS-OVERDUE), pure over a shop's history. Numbers come from the policy.</summary>
public static class ShopStanding
{
    public const string First = "first";
    public const string RepeatWithinWindow = "repeat_within_window";

    /// <summary>
    /// Late-shipment violation points: <see cref="MarketplacePolicy.FirstViolationPoints"/> for the first ticket that ends
    /// in compensation, <see cref="MarketplacePolicy.RepeatViolationPoints"/> for each further one within
    /// <see cref="MarketplacePolicy.RepeatViolationWindow"/> of the previous (a gap longer than the window starts over).
    /// Order-independent and idempotent: a ticket id counts once (its earliest time). Tickets whose appeal was upheld
    /// carry no points and do not count as a previous violation.
    /// </summary>
    public static IReadOnlyList<ViolationPointEntry> ViolationPoints(IEnumerable<CompensatedTicket> tickets, MarketplacePolicy policy)
    {
        var ordered = tickets
            .Where(t => !t.AppealUpheld)
            .GroupBy(t => t.TicketId, StringComparer.Ordinal)
            .Select(g => g.MinBy(t => t.CompensatedAt)!)
            .OrderBy(t => t.CompensatedAt)
            .ThenBy(t => t.TicketId, StringComparer.Ordinal);

        var entries = new List<ViolationPointEntry>();
        DateTimeOffset? previous = null;
        foreach (var ticket in ordered)
        {
            var repeat = previous is { } last && ticket.CompensatedAt - last <= policy.RepeatViolationWindow;
            entries.Add(repeat
                ? new ViolationPointEntry(ticket.TicketId, ticket.CompensatedAt, policy.RepeatViolationPoints, RepeatWithinWindow)
                : new ViolationPointEntry(ticket.TicketId, ticket.CompensatedAt, policy.FirstViolationPoints, First));
            previous = ticket.CompensatedAt;
        }

        return entries;
    }

    /// <summary>
    /// The violation a ticket counts for: it ended in compensation (any kind, chosen), at the first assessment;
    /// null when it paid none. An upheld appeal is carried along so the points are reversed.
    /// </summary>
    public static CompensatedTicket? Violation(string ticketId, TicketState state) =>
        state.Status == TicketStatus.Completed && state.Compensations.Count > 0
            ? new CompensatedTicket(ticketId, state.Compensations.Min(c => c.AssessedAt), state.AppealUpheldAt is not null)
            : null;

    /// <summary>Total violation points.</summary>
    public static int TotalPoints(IEnumerable<CompensatedTicket> tickets, MarketplacePolicy policy) =>
        ViolationPoints(tickets, policy).Sum(e => e.Points);

    /// <summary>
    /// The on-time penalty for one cycle, or null: more than <see cref="MarketplacePolicy.OnTimeSeriousMinPackages"/>
    /// packages and a rate below <see cref="MarketplacePolicy.OnTimeSeriousRate"/> → serious points; else a rate below
    /// <see cref="MarketplacePolicy.OnTimeRateThreshold"/> (when configured) → general points.
    /// </summary>
    public static OnTimePenalty? OnTimePenalty(ShippingCycle cycle, MarketplacePolicy policy)
    {
        if (cycle.Packages <= 0)
        {
            return null;
        }

        var rate = Math.Clamp((decimal)cycle.OnTime / cycle.Packages, 0m, 1m);
        if (cycle.Packages > policy.OnTimeSeriousMinPackages && rate < policy.OnTimeSeriousRate)
        {
            return new OnTimePenalty(cycle.CycleStart, rate, policy.OnTimeSeriousPoints, "serious");
        }

        return policy.OnTimeRateThreshold is { } threshold && rate < threshold
            ? new OnTimePenalty(cycle.CycleStart, rate, policy.OnTimeGeneralPoints, "general")
            : null;
    }
}
