using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Http;

/// <summary>How a synchronous command (seller reply, operator command) is answered once it was sent to its ticket.</summary>
public static class CommandAnswers
{
    /// <summary>200 with the ticket view as recorded now.</summary>
    public static async Task<IResult> ViewAsync(TicketTable tickets, string ticketId, CancellationToken ct) =>
        await TicketViews.ReadAsync(tickets, ticketId, ct) is { } view ? TypedResults.Ok(view) : Problems.TicketNotFound(ticketId);

    /// <summary>
    /// Applied: 200 with the view (which includes the command); refused by the orchestration (a race the pre-decision could
    /// not see): the refusal; not applied within the wait: 202 with the ticket as <c>Location</c>.
    /// </summary>
    public static Task<IResult> AfterAsync(TicketTable tickets, string ticketId, Sent sent, Func<string, string?, IResult> refusal, CancellationToken ct) =>
        sent.Status switch
        {
            SendStatus.Done when sent.Result!.Applied => ViewAsync(tickets, ticketId, ct),
            SendStatus.Done => Task.FromResult(refusal(sent.Result!.RejectionCode!, sent.Result.RejectionDetail)),
            SendStatus.Pending => Task.FromResult<IResult>(TypedResults.Accepted($"/api/tickets/{ticketId}",
                new PendingCommand(ticketId, "pending", $"/api/tickets/{ticketId}"))),
            SendStatus.Closed => Task.FromResult<IResult>(Problems.TicketClosed(ticketId)),
            SendStatus.Unavailable => Task.FromResult<IResult>(Problems.TicketUnavailable(ticketId)),
            SendStatus.NotStarted => Task.FromResult<IResult>(Problems.TicketStarting(ticketId)),
            _ => Task.FromResult<IResult>(Problems.TicketNotFound(ticketId)),
        };
}

/// <summary>The 202 body: the command is durable and will be applied; the ticket shows when.</summary>
public sealed record PendingCommand(string TicketId, string Status, string Location);
