using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Microsoft.Azure.Functions.Worker;
using UrgeShipment.Functions.Projections;

namespace UrgeShipment.Functions.Activities;

/// <summary>A notice ready to send: rendered in every language, under the ticket-scoped idempotency key.</summary>
public sealed record OutgoingNotification(string IdempotencyKey, string TicketId, string ShopId, string OrderId, string BuyerId, string Audience,
    string Template, IReadOnlyDictionary<string, string> Parameters, IReadOnlyDictionary<string, string> Text);

/// <summary>Where notices go (buyer chat cards, seller notices). Must treat a repeated idempotency key as already sent.</summary>
public interface INotificationChannel
{
    string Name { get; }

    Task SendAsync(OutgoingNotification notification, CancellationToken cancellationToken);
}

public sealed class NotificationOptions
{
    /// <summary>Chat/notice gateway; unset: the outbox table is the channel (read it at <c>GET /api/tickets/{id}/notifications</c>).</summary>
    public Uri? ChannelUrl { get; set; }
}

/// <summary>The default channel: the outbox itself (a chat-card sender drains it).</summary>
public sealed class OutboxChannel : INotificationChannel
{
    public string Name => "outbox";

    public Task SendAsync(OutgoingNotification notification, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Posts each notice to a configured URL with an <c>Idempotency-Key</c>; 2xx or 409 is sent.</summary>
public sealed class HttpNotificationChannel(HttpClient http, IOptions<NotificationOptions> options) : INotificationChannel
{
    public string Name => "http";

    public async Task SendAsync(OutgoingNotification notification, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Value.ChannelUrl) { Content = JsonContent.Create(notification) };
        request.Headers.Add("Idempotency-Key", notification.IdempotencyKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Conflict)
        {
            throw new HttpRequestException($"Notification channel answered {(int)response.StatusCode} for {notification.IdempotencyKey}.", null, response.StatusCode);
        }
    }
}

public sealed record NotificationRecord(string Key, string Channel, string Audience, string Template, IReadOnlyDictionary<string, string> Text,
    IReadOnlyDictionary<string, string> Parameters, DateTimeOffset SentAt, string Status);

public sealed record NotificationList(string TicketId, IReadOnlyList<NotificationRecord> Items);

/// <summary>
/// Every notice and complaint filing sent for a ticket, one row per idempotency key (a redelivered activity
/// rewrites its own row, so it is listed once). Partitioned by ticket.
/// </summary>
public sealed class Outbox(TableServiceClient tables, StorageNames names, TimeProvider clock)
{
    private readonly TableClient _table = tables.GetTableClient(names.OutboxTable);

    public async Task RecordAsync(OutgoingNotification notification, string channel, string status, CancellationToken ct)
    {
        var entity = new TableEntity(notification.TicketId, Keys.Escape(notification.IdempotencyKey))
        {
            ["Key"] = notification.IdempotencyKey,
            ["Channel"] = channel,
            ["Audience"] = notification.Audience,
            ["Template"] = notification.Template,
            ["Text"] = JsonSerializer.Serialize(notification.Text),
            ["Parameters"] = JsonSerializer.Serialize(notification.Parameters),
            ["ShopId"] = notification.ShopId,
            ["SentAt"] = clock.GetUtcNow(),
            ["Status"] = status,
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct);
    }

    public async Task<NotificationList> ReadAsync(string ticketId, CancellationToken ct)
    {
        var items = new List<NotificationRecord>();
        await foreach (var e in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ticketId}"), cancellationToken: ct))
        {
            items.Add(new NotificationRecord(e.GetString("Key"), e.GetString("Channel"), e.GetString("Audience"), e.GetString("Template"),
                JsonSerializer.Deserialize<Dictionary<string, string>>(e.GetString("Text") ?? "{}") ?? [],
                JsonSerializer.Deserialize<Dictionary<string, string>>(e.GetString("Parameters") ?? "{}") ?? [],
                Tickets.ShopTime.Show(e.GetDateTimeOffset("SentAt") ?? DateTimeOffset.MinValue), e.GetString("Status") ?? "sent"));
        }
        return new NotificationList(ticketId, [.. items.OrderBy(i => i.SentAt)]);
    }

    public Task EnsureCreatedAsync(CancellationToken ct) => _table.CreateIfNotExistsAsync(ct);
}

/// <summary>Delivers a queued notice: renders zh-CN and en, sends it through the channel, records it in the outbox.</summary>
public sealed class NoticeDelivery(INotificationChannel channel, Outbox outbox, SellerReminderCap cap)
{
    [Function(TicketActivities.DeliverNotice)]
    public async Task<string> DeliverNotice([ActivityTrigger] NoticeOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var notification = new OutgoingNotification(order.IdempotencyKey, order.TicketId, order.ShopId, order.OrderId, order.BuyerId,
            order.Audience, order.Template, order.Parameters, NoticeText.RenderAll(order.Template, order.Parameters));
        if (order.Template == Domain.NoticeTemplates.SellerReminder && !await cap.TryTakeAsync(notification, order.Marketplace, cancellationToken))
        {
            await outbox.RecordAsync(notification, channel.Name, "suppressed_daily_cap", cancellationToken);
            return "suppressed_daily_cap";
        }
        await channel.SendAsync(notification, cancellationToken);
        await outbox.RecordAsync(notification, channel.Name, "sent", cancellationToken);
        return "sent";
    }
}

/// <summary>Files the complaint on the buyer's behalf (TB-2022) with the platform; recorded in the outbox as a platform message.</summary>
public sealed class ComplaintFiling(INotificationChannel channel, Outbox outbox)
{
    [Function(TicketActivities.FileComplaint)]
    public async Task<string> FileComplaint([ActivityTrigger] ComplaintFilingOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal) { ["orderId"] = order.OrderId };
        var text = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [NoticeText.Chinese] = $"卖家未在时限内处理催发货，已代买家就订单 {order.OrderId} 向平台投诉。",
            [NoticeText.English] = $"The seller did not act in time; a complaint about order {order.OrderId} was filed with the platform on the buyer's behalf.",
        };
        var filing = new OutgoingNotification(order.IdempotencyKey, order.TicketId, order.ShopId, order.OrderId, order.BuyerId,
            "platform", "complaint_filed", parameters, text);
        await channel.SendAsync(filing, cancellationToken);
        await outbox.RecordAsync(filing, channel.Name, "sent", cancellationToken);
        return "filed";
    }
}
