using System.Text.Json;
using System.Xml;
using Microsoft.AspNetCore.Http.HttpResults;
using UrgeShipment.Domain;
using UrgeShipment.Durable;
using UrgeShipment.Functions.Security;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Http;

/// <summary>
/// Operator commands (admin key only), each audited in the ticket's history with who and why:
/// <c>POST /api/tickets/{id}/operator/{extend-deadline|pause|resume|resolve-review|retry-work|force-complete}</c>.
/// Body: <c>{ "why": "...", "operator"?: "name", "by"?: "PT4H", "key"?: "...", "cancelPendingCompensation"?: bool }</c>.
/// </summary>
public static class OperatorApi
{
    public static readonly IReadOnlyList<string> Actions = ["extend-deadline", "pause", "resume", "resolve-review", "retry-work", "force-complete"];

    private static readonly HashSet<string> Conflicts = new(StringComparer.Ordinal)
    {
        "no_active_deadline", "deadline_passed", "already_paused", "not_paused", "not_flagged", "ticket_completed", "no_ticket", "invalid_state", "unknown_work_item",
    };

    public static IEndpointRouteBuilder MapOperator(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/tickets/{ticketId}/operator/{action}", RunAsync).WithTags("Operator").WithName("OperatorCommand").DisableAntiforgery();
        return app;
    }

    public static async Task<Results<Ok<TicketView>, ProblemHttpResult>> RunAsync(
        string ticketId, string action, HttpRequest request, Callers callers, TicketStore tickets, TimeProvider clock, CancellationToken ct)
    {
        switch (callers.Identify(request))
        {
            case null:
                return Problems.Unauthorized();
            case not Caller.Admin:
                return Problems.Forbidden("Operator commands need the admin key.");
        }
        if (!Actions.Contains(action))
        {
            return Problems.Of(StatusCodes.Status404NotFound, "unknown_operator_command", "No such operator command.",
                $"Operator commands: {string.Join(", ", Actions)}.");
        }
        if ((await tickets.VisibleTicketAsync(new Caller.Admin(), ticketId, ct)).Problem is { } unseen)
        {
            return unseen;
        }
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
        }
        catch (JsonException)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed_json", "The body is not valid JSON.");
        }
        var errors = new FieldErrors();
        TicketCommand? command;
        using (document)
        {
            command = Parse(action, document.RootElement, errors, clock.GetUtcNow());
        }
        if (command is null)
        {
            return Problems.Invalid(StatusCodes.Status422UnprocessableEntity, errors.ToDictionary());
        }
        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        var commandId = "operator:" + (idempotencyKey.Length is > 0 and <= 200 ? idempotencyKey : Guid.NewGuid().ToString("N"));
        var result = await tickets.ExecuteAsync(ticketId, commandId, command, ct);
        if (result.Outcome == CommandOutcome.Rejected)
        {
            var code = result.RejectionCode!;
            return Conflicts.Contains(code)
                ? Problems.Of(StatusCodes.Status409Conflict, code, "Not allowed now.", result.RejectionDetail)
                : Problems.Invalid(StatusCodes.Status422UnprocessableEntity, code == "invalid_extension" ? "by" : "why", result.RejectionDetail ?? code, code);
        }
        return TypedResults.Ok(await tickets.ViewAfterAsync(ticketId, result, ct));
    }

    private static TicketCommand? Parse(string action, JsonElement body, FieldErrors errors, DateTimeOffset now)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("$", "must be a JSON object.");
            return null;
        }
        var why = errors.Text(body, "", "why", maxLength: 1000);
        var who = "admin:" + (errors.Text(body, "", "operator", required: false, maxLength: 100) ?? "unnamed");
        TimeSpan? by = null;
        string? key = null;
        var cancel = false;
        switch (action)
        {
            case "extend-deadline":
                if (errors.Text(body, "", "by", maxLength: 40) is { } text)
                {
                    try
                    {
                        by = XmlConvert.ToTimeSpan(text);
                    }
                    catch (FormatException)
                    {
                        errors.Add("by", "must be an ISO-8601 duration like PT4H.");
                    }
                }
                break;
            case "retry-work":
                key = errors.Text(body, "", "key", maxLength: 200);
                break;
            case "resolve-review":
                cancel = errors.Boolean(body, "", "cancelPendingCompensation", required: false) ?? false;
                break;
        }
        if (errors.Any || why is null)
        {
            return null;
        }
        return action switch
        {
            "extend-deadline" => new ExtendDeadline(by!.Value, who, why, now),
            "pause" => new PauseClock(who, why, now),
            "resume" => new ResumeClock(who, why, now),
            "resolve-review" => new ResolveReview(cancel, who, why, now),
            "retry-work" => new RetryWork(key!, who, why, now),
            "force-complete" => new ForceComplete(who, why, now),
            _ => throw new InvalidOperationException($"Unmapped operator command {action}."),
        };
    }
}
