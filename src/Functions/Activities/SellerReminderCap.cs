using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using UrgeShipment.Functions.Marketplaces;
using UrgeShipment.Functions.Projections;
using UrgeShipment.Functions.Security;

namespace UrgeShipment.Functions.Activities;

/// <summary>
/// TB-2022: at most <c>ReminderDailyCapPerAccount</c> (10) reminders per seller account per day (shop time zone).
/// One counter row per (account, day) under optimistic concurrency; it lists the reminder keys it counted, so a
/// redelivered reminder never takes a second place. Shops without a configured account count under the shop.
/// </summary>
public sealed class SellerReminderCap(TableServiceClient tables, StorageNames names, IOptions<SellerOptions> sellers, MarketplaceCatalog catalog, TimeProvider clock)
{
    private readonly TableClient _table = tables.GetTableClient(names.RemindersTable);

    /// <summary>True when at least one of the shop's accounts still has room today (each receiving account is counted).</summary>
    public async Task<bool> TryTakeAsync(OutgoingNotification reminder, string? marketplace, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var day = TimeZoneInfo.ConvertTime(now, Tickets.ShopTime.Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var cap = (marketplace is null ? null : catalog.PolicyAt(marketplace, now))?.ReminderDailyCapPerAccount
            ?? Domain.MarketplacePolicies.Xhs2024.ReminderDailyCapPerAccount;
        var accounts = sellers.Value.Accounts.Where(a => a.ShopId == reminder.ShopId).Select(a => a.AccountId).ToList();
        if (accounts.Count == 0)
        {
            accounts.Add("shop:" + reminder.ShopId);
        }
        var delivered = false;
        foreach (var account in accounts)
        {
            delivered |= await TryTakeAsync(Keys.Escape(account), day, reminder.IdempotencyKey, cap, ct);
        }
        return delivered;
    }

    private async Task<bool> TryTakeAsync(string account, string day, string key, int cap, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(account, day, cancellationToken: ct);
            var keys = existing.HasValue ? JsonSerializer.Deserialize<List<string>>(existing.Value!.GetString("Keys") ?? "[]") ?? [] : [];
            if (keys.Contains(key))
            {
                return true; // this reminder was already counted (redelivery)
            }
            if (keys.Count >= cap)
            {
                return false;
            }
            keys.Add(key);
            var entity = new TableEntity(account, day) { ["Keys"] = JsonSerializer.Serialize(keys), ["Count"] = keys.Count };
            try
            {
                if (existing.HasValue)
                {
                    await _table.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Replace, ct);
                }
                else
                {
                    await _table.AddEntityAsync(entity, ct);
                }
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // another reminder took a place at the same time: read again and recount
            }
        }
        throw new InvalidOperationException($"Reminder counter for {account} on {day} kept conflicting; the activity will retry.");
    }

    public async Task<int> CountAsync(string accountId, DateTimeOffset at, CancellationToken ct)
    {
        var day = TimeZoneInfo.ConvertTime(at, Tickets.ShopTime.Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Keys.Escape(accountId), day, cancellationToken: ct);
        return row.HasValue ? row.Value!.GetInt32("Count") ?? 0 : 0;
    }

    public Task EnsureCreatedAsync(CancellationToken ct) => _table.CreateIfNotExistsAsync(ct);
}
