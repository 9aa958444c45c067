using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using UrgeShipment.Domain;

namespace UrgeShipment.Functions.Http;

/// <summary>Every refusal is RFC 9457 problem details with a stable <c>code</c>; never an exception's message.</summary>
public static class Problems
{
    /// <summary>
    /// Fills in what a framework-made problem lacks (router 404/405, body limits, rate limits, unhandled exceptions): a
    /// stable <c>code</c> by status, and the trace id. An unhandled exception is <c>internal_error</c> with no detail: its
    /// text stays in the log.
    /// </summary>
    public static void Customize(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        if (!problem.Extensions.ContainsKey("code"))
        {
            var code = CodeFor(status);
            problem.Extensions["code"] = code;
            problem.Type = "https://urgeshipment.dev/problems/" + code;
        }
        if (status >= 500 && context.Exception is not null)
        {
            problem.Title = "Something went wrong on our side.";
            problem.Detail = "Nothing about your request caused this; quote the trace id when you report it.";
        }
        problem.Extensions.TryAdd("traceId", System.Diagnostics.Activity.Current?.Id ?? context.HttpContext.TraceIdentifier);
    }

    /// <summary>The code of a refusal the framework made (the app's own refusals name theirs).</summary>
    public static string CodeFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "bad_request",
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status408RequestTimeout => "request_timeout",
        StatusCodes.Status411LengthRequired => "length_required",
        StatusCodes.Status413PayloadTooLarge => "payload_too_large",
        StatusCodes.Status414UriTooLong => "uri_too_long",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status429TooManyRequests => "rate_limited",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "headers_too_large",
        >= 500 => "internal_error",
        _ => "http_" + status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

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
