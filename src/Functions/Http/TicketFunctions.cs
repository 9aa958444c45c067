using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Activities;
using UrgeShipment.Functions.Projections;
using UrgeShipment.Functions.Security;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Http;

/// <summary>Seller and admin endpoints on tickets: reply, read one, read by order, list, notifications.</summary>
public sealed class TicketFunctions(TicketTable tickets, TicketIndex index, ShopStandingReader standing, Outbox outbox,
    TicketCommands commands, TimeProvider clock)
{
    /// <summary>A reply is small: a kind, a date or reason, a plan and a few evidence references.</summary>
    public const int ReplyBodyBytes = 16 * 1024;

    [Function(nameof(GetTicket))]
    [Authorize(Policy = Policies.Read)]
    public async Task<IResult> GetTicket(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/tickets/{ticketId}")] HttpRequest request,
        string ticketId,
        CancellationToken cancellationToken)
    {
        var caller = request.Caller();
        var view = TicketIds.IsWellFormed(ticketId) ? await TicketViews.ReadAsync(tickets, ticketId, cancellationToken) : null;
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
            var entry = (await standing.ReadAsync(view.ShopId, cancellationToken)).Entries.FirstOrDefault(e => e.TicketId == ticketId);
            view = view with { ViolationPoints = entry?.Points ?? 0 };
        }
        return TypedResults.Ok(view);
    }

    [Function(nameof(GetTicketByOrder))]
    [Authorize(Policy = Policies.Read)]
    public Task<IResult> GetTicketByOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/orders/{marketplace}/{orderId}/ticket")] HttpRequest request,
        string marketplace,
        string orderId,
        CancellationToken cancellationToken) =>
        GetTicket(request, TicketIds.For(marketplace, orderId), cancellationToken);

    /// <summary>Every notice and complaint filing sent for the ticket, with its zh-CN and en text.</summary>
    [Function(nameof(GetTicketNotifications))]
    [Authorize(Policy = Policies.Read)]
    public async Task<IResult> GetTicketNotifications(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/tickets/{ticketId}/notifications")] HttpRequest request,
        string ticketId,
        CancellationToken cancellationToken)
    {
        var caller = request.Caller();
        var (_, problem) = await tickets.VisibleTicketAsync(caller, ticketId, cancellationToken);
        return problem ?? (IResult)TypedResults.Ok(await outbox.ReadAsync(ticketId, cancellationToken));
    }

    [Function(nameof(ListTickets))]
    [Authorize(Policy = Policies.Read)]
    public async Task<IResult> ListTickets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/tickets")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.Caller();
        string? Query(string name) => request.Query.TryGetValue(name, out var value) ? value.ToString() : null;
        var shopId = Query("shopId");
        if (caller is Caller.Seller seller)
        {
            if (shopId is not null && shopId != seller.ShopId)
            {
                return Problems.Forbidden("Sellers list their own shop only.");
            }
            shopId = seller.ShopId;
        }
        var errors = new FieldErrors();
        var query = TicketQuery.Parse(errors, Query("state"), Query("marketplace"), shopId, Query("dueBefore"), Query("limit"), Query("continuationToken"));
        if (query is null)
        {
            return Problems.Invalid(StatusCodes.Status400BadRequest, errors.ToDictionary(), "invalid_query");
        }
        return TypedResults.Ok(await index.QueryAsync(query, cancellationToken));
    }

    /// <summary>
    /// The seller's one reply: validated, pre-decided against the ticket as last recorded (a refusal changes nothing),
    /// raised to the ticket's orchestration, then 200 with the view once it has applied it, 409 if it refused it after
    /// all (the window closed meanwhile), or 202 with a <c>Location</c> past the wait.
    /// </summary>
    [Function(nameof(ReplyToTicket))]
    [Authorize(Policy = Policies.Reply)]
    public async Task<IResult> ReplyToTicket(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/tickets/{ticketId}/reply")] HttpRequest request,
        string ticketId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.Caller();
        var (stored, unseen) = await tickets.VisibleTicketAsync(caller, ticketId, cancellationToken);
        if (unseen is not null)
        {
            return unseen;
        }
        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length > 200 || idempotencyKey.Any(c => c is < ' ' or > '~'))
        {
            return Problems.Invalid(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key", "must be at most 200 printable ASCII characters.");
        }
        var (document, unreadable) = await JsonBodies.ReadAsync(request, ReplyBodyBytes, cancellationToken);
        if (document is null)
        {
            return unreadable!;
        }
        var replyId = idempotencyKey.Length > 0 ? idempotencyKey : Guid.NewGuid().ToString("N");
        var commandId = $"reply:{caller.Id}:{replyId}";
        TicketCommand? command;
        var errors = new FieldErrors();
        using (document)
        {
            command = ParseReply(document.RootElement, errors, replyId, clock.GetUtcNow());
        }
        if (command is null)
        {
            return Problems.Invalid(StatusCodes.Status422UnprocessableEntity, errors.ToDictionary());
        }
        if (idempotencyKey.Length > 0 && await tickets.ReadResultAsync(ticketId, commandId, cancellationToken) is { Applied: true })
        {
            return await CommandAnswers.ViewAsync(tickets, ticketId, cancellationToken); // the same key again: the first result stands
        }
        if (TicketDecider.Decide(stored!.State, command) is Decision.Rejected refused)
        {
            return Refusal(refused.Code, refused.Detail);
        }
        return await CommandAnswers.AfterAsync(tickets, ticketId, await commands.SendAsync(client, ticketId, commands.Signal(commandId, command), cancellationToken),
            Refusal, cancellationToken);
    }

    private static IResult Refusal(string code, string? detail) => Refusals.Answer(code, detail, StatusCodes.Status422UnprocessableEntity, "kind");

    private static TicketCommand? ParseReply(JsonElement body, FieldErrors errors, string replyId, DateTimeOffset now)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("$", "must be a JSON object.");
            return null;
        }
        switch (errors.Enum<ReplyKind>(body, "", "kind"))
        {
            case ReplyKind.Delay:
                var shipBy = errors.Instant(body, "", "shipBy");
                return shipBy is { } s ? new ReplyWithDelay(s, replyId, now) : null;
            case ReplyKind.Negotiate:
                var plan = errors.Text(body, "", "plan", maxLength: 2000);
                var evidence = Evidence(body, errors);
                return plan is not null && evidence is not null ? new ReplyWithPlan(plan, evidence, replyId, now) : null;
            case ReplyKind.CannotShip:
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
}
