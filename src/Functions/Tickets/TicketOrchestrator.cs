using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace UrgeShipment.Functions.Tickets;

/// <summary>
/// Every urge-ship ticket is one instance of this orchestration; the instance id is the ticket id. It runs the domain
/// decider in a loop over its inputs (commands raised as the external event <see cref="SignalEvent"/>, one durable
/// timer for the next due moment, and the effects it started), records each transition in the ticket table, and
/// calls the effects as activities. It decides nothing itself. See <see cref="TicketRun"/>.
/// </summary>
public static class TicketOrchestrator
{
    /// <summary>The one external event a ticket listens for; its payload is a <see cref="TicketSignal"/>.</summary>
    public const string SignalEvent = "TicketSignal";

    [Function(nameof(TicketOrchestrator))]
    public static Task<TicketInput> RunAsync([OrchestrationTrigger] TaskOrchestrationContext context, TicketInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return new TicketRun(context, input).RunAsync();
    }
}
