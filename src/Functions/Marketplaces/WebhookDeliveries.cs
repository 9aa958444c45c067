using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Projections;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Marketplaces;

/// <summary>The first delivery of a webhook event: which ticket it went to, under which command id, carrying which command.</summary>
public sealed record WebhookDelivery(string TicketId, string CommandId, TicketCommand Command);

/// <summary>
/// Webhook event ids are unique per marketplace, not per ticket: the first delivery of an <c>X-Event-Id</c> claims it
/// here (insert-if-absent) before anything is sent, so a redelivery with any body goes to the same ticket with the same
/// command and answers the first result, even if the first delivery crashed half-way.
/// </summary>
public sealed class WebhookDeliveries(TableServiceClient tables, StorageNames names)
{
    private readonly TableClient _table = tables.GetTableClient(names.WebhooksTable);

    public Task EnsureCreatedAsync(CancellationToken ct) => _table.CreateIfNotExistsAsync(ct);

    public async Task<WebhookDelivery?> FindAsync(string marketplace, string eventId, CancellationToken ct)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(marketplace, Keys.Escape(eventId), cancellationToken: ct);
        return row.HasValue ? ToDelivery(row.Value!) : null;
    }

    /// <summary>Claims the event id for <paramref name="delivery"/>; when another delivery claimed it first, returns that one (Ours: false).</summary>
    public async Task<(WebhookDelivery Delivery, bool Ours)> ClaimAsync(string marketplace, string eventId, WebhookDelivery delivery, CancellationToken ct)
    {
        var row = new TableEntity(marketplace, Keys.Escape(eventId))
        {
            ["TicketId"] = delivery.TicketId,
            ["CommandId"] = delivery.CommandId,
        };
        LongText.Set(row, "Command", JsonSerializer.Serialize(delivery.Command, TicketJson.Storage));
        try
        {
            await _table.AddEntityAsync(row, ct);
            return (delivery, true);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return (await FindAsync(marketplace, eventId, ct) ?? throw new InvalidOperationException($"Webhook event {eventId} was claimed and then vanished."), false);
        }
    }

    private static WebhookDelivery ToDelivery(TableEntity row) =>
        new(row.GetString("TicketId"), row.GetString("CommandId"), JsonSerializer.Deserialize<TicketCommand>(LongText.Get(row, "Command"), TicketJson.Storage)!);
}
