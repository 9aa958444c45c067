using UrgeShipment.Domain;
using UrgeShipment.Durable;

namespace UrgeShipment.Functions.Http;

/// <summary>
/// The webhook answer, read off the events the command committed (for a redelivery: the first delivery's
/// events), so a redelivery answers exactly as the first delivery did.
/// </summary>
public static class WebhookOutcomes
{
    public static WebhookResponse Describe(string ticketId, CommandResult<TicketState, TicketEvent> result)
    {
        foreach (var stored in result.Events)
        {
            switch (stored.Event)
            {
                case UrgeRecorded { Urge.Outcome: var outcome }:
                    return outcome.Result switch
                    {
                        UrgeResult.NoTicket => new WebhookResponse("no_ticket", Reason: outcome.Reason),
                        _ => new WebhookResponse(outcome.Code, ticketId),
                    };
                case EventIgnored ignored:
                    return new WebhookResponse("ignored", ticketId, ignored.Reason);
            }
        }
        return new WebhookResponse("applied", ticketId);
    }
}
