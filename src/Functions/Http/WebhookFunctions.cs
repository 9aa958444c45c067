using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Marketplaces;
using UrgeShipment.Functions.Security;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Http;

/// <summary>
/// <c>POST /api/webhooks/{marketplace}</c>: verify (size, timestamp, signature), parse, pre-decide against the ticket as
/// last recorded (a refusal is a 400 and stores nothing), claim the event id, then start the ticket (an opening urge) or
/// send it the command, and answer what the ticket made of it. A 2xx means the event is durable.
/// </summary>
public sealed class WebhookFunctions(MarketplaceCatalog catalog, TicketTable tickets, WebhookDeliveries deliveries, TicketCommands commands, TimeProvider clock)
{
    public const int MaxBodyBytes = 64 * 1024;
    private static readonly TimeSpan TimestampWindow = TimeSpan.FromSeconds(300);

    [Function(nameof(ReceiveWebhook))]
    [AllowAnonymous] // a marketplace signs its webhooks (X-Signature); no API key
    public async Task<IResult> ReceiveWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/webhooks/{marketplace}")] HttpRequest request,
        string marketplace,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!catalog.IsServed(marketplace))
        {
            return Problems.Of(StatusCodes.Status404NotFound, "unknown_marketplace", "Unknown marketplace.",
                $"'{marketplace}' is not configured here (it needs a policy and a webhook secret).");
        }
        if (JsonBodies.UnsupportedMediaType(request) is { } unsupported)
        {
            return unsupported;
        }
        var body = await JsonBodies.ReadBytesAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return JsonBodies.TooLarge(MaxBodyBytes);
        }
        var now = clock.GetUtcNow();
        var timestamp = request.Headers["X-Timestamp"].ToString();
        if (!WebhookSignature.IsFresh(timestamp, now, TimestampWindow))
        {
            return Problems.Of(StatusCodes.Status401Unauthorized, "stale_timestamp", "Missing or stale X-Timestamp.",
                "X-Timestamp must be Unix seconds within 300 s of the server clock.");
        }
        if (!WebhookSignature.Verify(catalog.SecretFor(marketplace)!, timestamp, body, request.Headers["X-Signature"].ToString()))
        {
            return Problems.Of(StatusCodes.Status401Unauthorized, "invalid_signature", "Missing or invalid X-Signature.",
                "X-Signature must be sha256=<hex HMAC-SHA256(secret, \"{X-Timestamp}.{body}\")>.");
        }
        var eventId = request.Headers["X-Event-Id"].ToString();
        if (string.IsNullOrWhiteSpace(eventId) || eventId.Length > 200 || eventId.Any(c => c is < ' ' or > '~'))
        {
            return Problems.Invalid(StatusCodes.Status400BadRequest, "X-Event-Id", "is required: a unique id per event, at most 200 printable ASCII characters.");
        }

        // A redelivery goes where the first delivery went, with its command, whatever this body says: every answer short of
        // claiming the event id looks for a first delivery before it is given (a first delivery is found by the claim itself).
        async Task<IResult> UnlessRedelivered(IResult answer) =>
            await deliveries.FindAsync(marketplace, eventId, cancellationToken) is { } first
                ? await DeliverAsync(client, first, stored: null, fresh: false, cancellationToken)
                : answer;

        var (document, malformed) = JsonBodies.Parse(body);
        if (document is null)
        {
            return await UnlessRedelivered(malformed!);
        }
        WebhookEvent? parsed;
        var errors = new FieldErrors();
        var policyNow = catalog.PolicyAt(marketplace, now)!;
        using (document)
        {
            parsed = WebhookEvents.Parse(document.RootElement, errors, now, policyNow.MaxFutureSkew);
        }
        if (parsed is null)
        {
            return await UnlessRedelivered(Problems.Invalid(StatusCodes.Status400BadRequest, errors.ToDictionary()));
        }

        var ticketId = TicketIds.For(marketplace, parsed.OrderId);
        var stored = await tickets.ReadAsync(ticketId, cancellationToken);
        if (stored is null && !parsed.OpensTickets && await client.GetInstanceAsync(ticketId, cancellationToken) is null)
        {
            // Nothing was ever recorded for this order: acknowledge, store nothing.
            return await UnlessRedelivered(TypedResults.Ok(new WebhookAnswer("ignored", Reason: IgnoredReasons.NoTicket)));
        }
        var policy = parsed.OpensTickets ? catalog.PolicyAt(marketplace, parsed.OccurredAt) : stored?.State.Policy ?? policyNow;
        if (policy is null)
        {
            return await UnlessRedelivered(Problems.Invalid(StatusCodes.Status400BadRequest, "occurredAt", $"is before any {marketplace} policy took effect."));
        }
        var command = parsed.ToCommand(policy, now);
        if (stored is not null && TicketDecider.Decide(stored.State, command) is Decision.Rejected refused)
        {
            return await UnlessRedelivered(Refusals.ForWebhook(refused.Code, refused.Detail));
        }

        var (claimed, ours) = await deliveries.ClaimAsync(marketplace, eventId, new WebhookDelivery(ticketId, $"webhook:{marketplace}:{eventId}", command), cancellationToken);
        return await DeliverAsync(client, claimed, ours ? stored : null, fresh: ours, cancellationToken);
    }

    /// <summary>
    /// Sends a claimed delivery to its ticket: answered from the ticket table when it was applied before; an urge for an
    /// order without a ticket is decided here (opens one: start its orchestration; opens none: recorded for later).
    /// </summary>
    private async Task<IResult> DeliverAsync(DurableTaskClient client, WebhookDelivery delivery, StoredTicket? stored, bool fresh, CancellationToken ct)
    {
        var ticketId = delivery.TicketId;
        if (!fresh && await tickets.ReadResultAsync(ticketId, delivery.CommandId, ct) is { Applied: true } earlier)
        {
            return TypedResults.Ok(WebhookOutcomes.Of(ticketId, earlier));
        }
        stored ??= await tickets.ReadAsync(ticketId, ct);
        var signal = commands.Signal(delivery.CommandId, delivery.Command);
        Sent sent;
        if (stored is null && delivery.Command is Domain.UrgeShipment urge)
        {
            var prior = await tickets.ReadPriorUrgesAsync(ticketId, ct);
            var before = TicketDecider.Fold(prior.Select(p => p.Event));
            var decision = TicketDecider.Decide(before, urge);
            if (decision is Decision.Rejected rejected)
            {
                return Refusals.ForWebhook(rejected.Code, rejected.Detail);
            }
            var opens = ((Decision.Accepted)decision).Events.OfType<TicketOpened>().Any();
            if (!opens && await client.GetInstanceAsync(ticketId, ct) is null)
            {
                // No ticket, and none is being opened: the urge is recorded for the ticket a later urge may open.
                var recorded = new RecordedEvent(0, urge.Now, delivery.CommandId, ((Decision.Accepted)decision).Events.OfType<UrgeRecorded>().Single());
                var answer = WebhookOutcomes.Describe(ticketId, [recorded]);
                await tickets.WriteUrgeAsync(ticketId, recorded, new CommandResult(delivery.CommandId, signal.Attempt, true, null, null, 0, answer.Outcome, answer.Reason), ct);
                return TypedResults.Ok(answer);
            }
            sent = await commands.StartAsync(client, ticketId, signal, prior, ct);
        }
        else
        {
            sent = await commands.SendAsync(client, ticketId, signal, ct);
        }
        return sent.Status switch
        {
            SendStatus.Done when sent.Result!.Applied => TypedResults.Ok(WebhookOutcomes.Of(ticketId, sent.Result)),
            SendStatus.Done => Refusals.ForWebhook(sent.Result!.RejectionCode!, sent.Result.RejectionDetail),
            SendStatus.Pending => TypedResults.Accepted($"/api/tickets/{ticketId}", new WebhookAnswer("accepted", ticketId)),
            SendStatus.NoTicket => TypedResults.Ok(new WebhookAnswer("ignored", Reason: IgnoredReasons.NoTicket)),
            SendStatus.Unavailable => Problems.TicketUnavailable(ticketId),
            SendStatus.NotStarted => Problems.TicketStarting(ticketId), // not acknowledged: the marketplace redelivers
            // Closed after completion: an urge still finds its one ticket; any other fact changes nothing now.
            _ when delivery.Command is Domain.UrgeShipment => TypedResults.Ok(new WebhookAnswer(UrgeOutcome.TicketExists.Code, ticketId)),
            _ => TypedResults.Ok(new WebhookAnswer("ignored", ticketId, IgnoredReasons.TicketCompleted)),
        };
    }

}
