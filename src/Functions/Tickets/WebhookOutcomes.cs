using UrgeShipment.Domain;

namespace UrgeShipment.Functions.Tickets;

/// <summary>The webhook answer of API.md: <c>{ outcome, ticketId?, reason? }</c>.</summary>
public sealed record WebhookAnswer(
    string Outcome,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? TicketId = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

/// <summary>
/// The webhook answer, read off the events a command recorded, so that a redelivery answers exactly as the first
/// delivery did (its result is kept with the ticket).
/// </summary>
public static class WebhookOutcomes
{
    public static WebhookAnswer Describe(string ticketId, IEnumerable<RecordedEvent> events)
    {
        foreach (var recorded in events)
        {
            switch (recorded.Event)
            {
                case UrgeRecorded { Urge.Outcome: var outcome }:
                    return outcome.Result == UrgeResult.NoTicket
                        ? new WebhookAnswer("no_ticket", Reason: outcome.Reason)
                        : new WebhookAnswer(outcome.Code, ticketId);
                case EventIgnored ignored:
                    return new WebhookAnswer("ignored", ticketId, ignored.Reason);
            }
        }
        return new WebhookAnswer("applied", ticketId);
    }

    /// <summary>The answer a recorded command result gives.</summary>
    public static WebhookAnswer Of(string ticketId, CommandResult result) =>
        new(result.Outcome ?? "applied", result.Outcome == "no_ticket" ? null : ticketId, result.Reason);
}
