using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using UrgeShipment.Domain;

namespace UrgeShipment.Functions.Http;

/// <summary>Every refusal is RFC 9457 problem details with a stable <c>code</c>; never an exception's message.</summary>
public static class Problems
{
    public static ProblemHttpResult Of(int status, string code, string title, string? detail = null) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = "https://urgeshipment.dev/problems/" + code,
            Extensions = { ["code"] = code },
        });

    public static ProblemHttpResult Invalid(int status, IDictionary<string, string[]> errors, string code = "validation_failed", string? detail = null) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = status,
            Title = "One or more fields are invalid.",
            Detail = detail ?? "See errors: each names a field.",
            Type = "https://urgeshipment.dev/problems/" + code,
            Extensions = { ["code"] = code },
        });

    public static ProblemHttpResult Invalid(int status, string field, string message, string code = "validation_failed") =>
        Invalid(status, new Dictionary<string, string[]> { [field] = [message] }, code, $"{field} {message}");

    public static ProblemHttpResult Unauthorized() =>
        Of(StatusCodes.Status401Unauthorized, "unauthorized", "An API key is required.", "Send Authorization: Bearer <api key>.");

    public static ProblemHttpResult Forbidden(string detail) =>
        Of(StatusCodes.Status403Forbidden, "forbidden", "Not allowed for this key.", detail);

    public static ProblemHttpResult TicketNotFound(string ticketId) =>
        Of(StatusCodes.Status404NotFound, "ticket_not_found", "No such ticket.", $"There is no ticket {ticketId}.");

    public static ProblemHttpResult MalformedJson() =>
        Of(StatusCodes.Status400BadRequest, "malformed_json", "The body is not valid JSON.");

    /// <summary>The ticket closed after completion: it takes no more commands.</summary>
    public static ProblemHttpResult TicketClosed(string ticketId) =>
        Of(StatusCodes.Status409Conflict, RejectionCodes.TicketCompleted, "Not allowed now.", $"Ticket {ticketId} is completed and closed.");

    /// <summary>The ticket's orchestration has not started yet (nothing was sent: send it again).</summary>
    public static ProblemHttpResult TicketStarting(string ticketId) =>
        Of(StatusCodes.Status503ServiceUnavailable, "ticket_starting", "The ticket is still starting.",
            $"Ticket {ticketId} has not started yet; nothing was changed. Send the request again.");

    /// <summary>The ticket's orchestration failed or was terminated: an operator must repair it (not the caller's fault).</summary>
    public static ProblemHttpResult TicketUnavailable(string ticketId) =>
        Of(StatusCodes.Status503ServiceUnavailable, "ticket_unavailable", "The ticket cannot take commands right now.",
            $"Ticket {ticketId}'s orchestration needs an operator; nothing was changed.");
}
