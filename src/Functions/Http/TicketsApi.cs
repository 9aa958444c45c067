using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Activities;
using UrgeShipment.Durable;
using UrgeShipment.Functions.Projections;
using UrgeShipment.Functions.Security;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Http;

/// <summary>Seller and admin endpoints on tickets: reply, read one, read by order, list.</summary>
public static class TicketsApi
{
    /// <summary>Refusal codes that mean "not now" (409) rather than "bad fields" (422).</summary>
    private static readonly HashSet<string> StateConflicts = new(StringComparer.Ordinal)
    {
        "reply_window_closed", "invalid_state", "already_replied", "no_ticket", "ticket_completed",
    };

    private static readonly string[] ReplyKinds = ["delay", "negotiate", "cannot_ship"];

    public static IEndpointRouteBuilder MapTickets(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Tickets");
        group.MapPost("/tickets/{ticketId}/reply", ReplyAsync).WithName("ReplyToTicket").DisableAntiforgery();
        group.MapGet("/tickets/{ticketId}", GetAsync).WithName("GetTicket");
        group.MapGet("/orders/{marketplace}/{orderId}/ticket", GetByOrderAsync).WithName("GetTicketByOrder");
        group.MapGet("/tickets", ListAsync).WithName("ListTickets");
        group.MapGet("/tickets/{ticketId}/notifications", NotificationsAsync).WithName("GetTicketNotifications");
        return app;
    }

    public static async Task<Results<Ok<TicketView>, ProblemHttpResult>> GetAsync(
        string ticketId, HttpRequest request, Callers callers, TicketStore tickets, ShopStandingReader standing, CancellationToken ct)
    {
        if (callers.Check(request, Permissions.Read, out var caller) is { } denied)
        {
            return denied;
        }
        var view = TicketIds.IsWellFormed(ticketId) ? await tickets.ViewAsync(ticketId, ct) : null;
        if (view is null)
        {
            return Problems.TicketNotFound(ticketId);
        }
        if (caller.CheckShop(view.ShopId) is { } otherShop)
        {
            return otherShop;
        }
        if (view.State == "completed" && view.Compensations.Count > 0)
        {
            // The points this ticket cost the shop depend on its earlier compensated tickets (30-day window).
            var entry = (await standing.ReadAsync(view.ShopId, ct)).Entries.FirstOrDefault(e => e.TicketId == ticketId);
            view = view with { ViolationPoints = entry?.Points ?? 0 };
        }
        return TypedResults.Ok(view);
    }

    /// <summary>Every notice and complaint filing sent for the ticket, with its zh-CN and en text.</summary>
    public static async Task<Results<Ok<NotificationList>, ProblemHttpResult>> NotificationsAsync(
        string ticketId, HttpRequest request, Callers callers, TicketStore tickets, Outbox outbox, CancellationToken ct)
    {
        if (callers.Check(request, Permissions.Read, out var caller) is { } denied)
        {
            return denied;
        }
        var (_, problem) = await tickets.VisibleTicketAsync(caller, ticketId, ct);
        return problem ?? (Results<Ok<NotificationList>, ProblemHttpResult>)TypedResults.Ok(await outbox.ReadAsync(ticketId, ct));
    }

    public static Task<Results<Ok<TicketView>, ProblemHttpResult>> GetByOrderAsync(
        string marketplace, string orderId, HttpRequest request, Callers callers, TicketStore tickets, ShopStandingReader standing, CancellationToken ct) =>
        GetAsync(TicketIds.For(marketplace, orderId), request, callers, tickets, standing, ct);

    public static async Task<Results<Ok<TicketView>, ProblemHttpResult>> ReplyAsync(
        string ticketId, HttpRequest request, Callers callers, TicketStore tickets, TimeProvider clock, CancellationToken ct)
    {
        if (callers.Check(request, Permissions.Reply, out var caller) is { } denied)
        {
            return denied;
        }
        if ((await tickets.VisibleTicketAsync(caller, ticketId, ct)).Problem is { } unseen)
        {
            return unseen;
        }
        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length > 200 || idempotencyKey.Any(char.IsControl))
        {
            return Problems.Invalid(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key", "must be at most 200 printable characters.");
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
        var now = clock.GetUtcNow();
        var replyId = idempotencyKey.Length > 0 ? idempotencyKey : Guid.NewGuid().ToString("N");
        TicketCommand? command;
        var errors = new FieldErrors();
        using (document)
        {
            command = ParseReply(document.RootElement, errors, replyId, now);
        }
        if (command is null)
        {
            return Problems.Invalid(StatusCodes.Status422UnprocessableEntity, errors.ToDictionary());
        }
        var result = await tickets.ExecuteAsync(ticketId, $"reply:{caller.Id}:{replyId}", command, ct);
        if (result.Outcome == CommandOutcome.Rejected)
        {
            var code = result.RejectionCode!;
            return StateConflicts.Contains(code)
                ? Problems.Of(StatusCodes.Status409Conflict, code, "Not allowed now.", result.RejectionDetail)
                : Problems.Invalid(StatusCodes.Status422UnprocessableEntity, ReplyFieldOf(code), result.RejectionDetail ?? code, code);
        }
        return TypedResults.Ok(await tickets.ViewAfterAsync(ticketId, result, ct));
    }

    private static TicketCommand? ParseReply(JsonElement body, FieldErrors errors, string replyId, DateTimeOffset now)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("$", "must be a JSON object.");
            return null;
        }
        var kind = errors.Choice(body, "", "kind", ReplyKinds);
        switch (kind)
        {
            case "delay":
                var shipBy = errors.Instant(body, "", "shipBy");
                return shipBy is { } s ? new ReplyWithDelay(s, replyId, now) : null;
            case "negotiate":
                var plan = errors.Text(body, "", "plan", maxLength: 2000);
                var evidence = Evidence(body, errors);
                return plan is not null && evidence is not null ? new ReplyWithPlan(plan, evidence, replyId, now) : null;
            case "cannot_ship":
                var reason = errors.Text(body, "", "reason", maxLength: 2000);
                return reason is not null ? new ReplyCannotShip(reason, replyId, now) : null;
            default:
                return null;
        }
    }

    private static string[]? Evidence(JsonElement body, FieldErrors errors)
    {
        if (errors.Required(body, "", "evidence") is not { } value)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            errors.Add("evidence", "must be a non-empty array of evidence references (XHS-2024: 需上传协商凭证).");
            return null;
        }
        if (value.GetArrayLength() > 20)
        {
            errors.Add("evidence", "must have at most 20 items.");
            return null;
        }
        var items = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()) || item.GetString()!.Length > 1000)
            {
                errors.Add($"evidence[{index}]", "must be a non-empty string of at most 1000 characters.");
                return null;
            }
            items.Add(item.GetString()!);
            index++;
        }
        return [.. items];
    }

    private static string ReplyFieldOf(string code) => code switch
    {
        "delay_out_of_range" => "shipBy",
        "evidence_required" => "evidence",
        "plan_required" => "plan",
        "reason_required" => "reason",
        _ => "kind",
    };

    public static async Task<Results<Ok<TicketPage>, ProblemHttpResult>> ListAsync(
        HttpRequest request, Callers callers, TicketIndex index, CancellationToken ct,
        string? state = null, string? marketplace = null, string? shopId = null, string? dueBefore = null, string? limit = null, string? continuationToken = null)
    {
        if (callers.Check(request, Permissions.Read, out var caller) is { } denied)
        {
            return denied;
        }
        if (caller is Caller.Seller seller)
        {
            if (shopId is not null && shopId != seller.ShopId)
            {
                return Problems.Forbidden("Sellers list their own shop only.");
            }
            shopId = seller.ShopId;
        }
        var errors = new FieldErrors();
        var query = TicketQuery.Parse(errors, state, marketplace, shopId, dueBefore, limit, continuationToken);
        if (query is null)
        {
            return Problems.Invalid(StatusCodes.Status400BadRequest, errors.ToDictionary(), "invalid_query");
        }
        return TypedResults.Ok(await index.QueryAsync(query, ct));
    }
}
