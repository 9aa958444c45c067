using System.Text.Json;
using System.Xml;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Security;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Http;

/// <summary>
/// Operator commands (a personal operator key: its person's name, never the body, is who the history records), each audited in the ticket's history with who and why:
/// <c>POST /api/tickets/{id}/operator/{extend-deadline|pause|resume|resolve-review|retry-work|force-complete}</c>.
/// Body: <c>{ "why": "...", "operator"?: "name", "by"?: "PT4H", "key"?: "...", "cancelPendingCompensation"?: bool }</c>.
/// Synchronous like a seller reply: pre-decided, raised, answered once the ticket applied it (or 202).
/// </summary>
public sealed class OperatorFunctions(TicketTable tickets, TicketCommands commands, TimeProvider clock)
{
    /// <summary>An operator command is a few fields.</summary>
    public const int CommandBodyBytes = 8 * 1024;

    public static readonly IReadOnlyList<string> Actions = ["extend-deadline", "pause", "resume", "resolve-review", "retry-work", "force-complete"];

    [Function(nameof(OperatorCommand))]
    [Authorize(Policy = Policies.Operator)]
    public async Task<IResult> OperatorCommand(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/tickets/{ticketId}/operator/{action}")] HttpRequest request,
        string ticketId,
        string action,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var who = ((Caller.PlatformOperator)request.Caller()).Name; // audited under the person the key names, never a name in the body
        if (!Actions.Contains(action))
        {
            return Problems.Of(StatusCodes.Status404NotFound, "unknown_operator_command", "No such operator command.",
                $"Operator commands: {string.Join(", ", Actions)}.");
        }
        var (stored, unseen) = await tickets.VisibleTicketAsync(new Caller.Admin(), ticketId, cancellationToken);
        if (unseen is not null)
        {
            return unseen;
        }
        var (document, unreadable) = await JsonBodies.ReadAsync(request, CommandBodyBytes, cancellationToken);
        if (document is null)
        {
            return unreadable!;
        }
        var errors = new FieldErrors();
        TicketCommand? command;
        using (document)
        {
            command = Parse(action, document.RootElement, errors, who, clock.GetUtcNow());
        }
        if (command is null)
        {
            return Problems.Invalid(StatusCodes.Status422UnprocessableEntity, errors.ToDictionary());
        }
        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length > 200 || idempotencyKey.Any(c => c is < ' ' or > '~'))
        {
            return Problems.Invalid(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key", "must be at most 200 printable ASCII characters.");
        }
        var keyed = idempotencyKey.Length > 0;
        var commandId = "operator:" + (keyed ? idempotencyKey : Guid.NewGuid().ToString("N"));
        if (keyed && await tickets.ReadResultAsync(ticketId, commandId, cancellationToken) is { Applied: true })
        {
            return await CommandAnswers.ViewAsync(tickets, ticketId, cancellationToken);
        }
        if (TicketDecider.Decide(stored!.State, command) is Decision.Rejected refused)
        {
            return Refusal(refused.Code, refused.Detail);
        }
        return await CommandAnswers.AfterAsync(tickets, ticketId, await commands.SendAsync(client, ticketId, commands.Signal(commandId, command), cancellationToken),
            Refusal, cancellationToken);
    }

    private static IResult Refusal(string code, string? detail) => Refusals.Answer(code, detail, StatusCodes.Status422UnprocessableEntity, "why");

    private static TicketCommand? Parse(string action, JsonElement body, FieldErrors errors, string who, DateTimeOffset now)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("$", "must be a JSON object.");
            return null;
        }
        var why = errors.Text(body, "", "why", maxLength: 1000);
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
                    catch (OverflowException)
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
