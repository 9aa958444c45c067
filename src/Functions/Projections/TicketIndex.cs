using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Http;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Projections;

public sealed record TicketSummary(string TicketId, string Marketplace, string ShopId, string OrderId, string State, string? Outcome,
    DateTimeOffset? OpenedAt, string? ActiveDeadlineKind, DateTimeOffset? DueAt, bool NeedsReview, DateTimeOffset? PausedAt, long Version);

public sealed record TicketPage(IReadOnlyList<TicketSummary> Items, string? ContinuationToken);

public sealed record TicketQuery(string? State, string? Marketplace, string? ShopId, DateTimeOffset? DueBefore, int Limit, string? ContinuationToken)
{
    /// <summary>The states a ticket can be listed in: every <see cref="TicketStatus"/> but <c>none</c> (no ticket).</summary>
    private static readonly string[] States = [.. Enum.GetValues<TicketStatus>().Where(s => s != TicketStatus.None).Select(s => s.WireName())];

    /// <summary>A shop id as webhooks may carry it: 1 to 128 characters, none a control character.</summary>
    public static bool IsWellFormedShopId(string shopId) => shopId.Length is > 0 and <= 128 && !shopId.Any(char.IsControl);

    public static TicketQuery? Parse(FieldErrors errors, string? state, string? marketplace, string? shopId, string? dueBefore, string? limit, string? continuationToken)
    {
        if (state is not null && !States.Contains(state))
        {
            errors.Add("state", $"must be one of: {string.Join(", ", States)}.");
        }
        if (marketplace is not null && !Marketplaces.MarketplaceCatalog.IsWellFormedName(marketplace))
        {
            errors.Add("marketplace", "must be a marketplace name like xiaohongshu.");
        }
        if (shopId is not null && !IsWellFormedShopId(shopId))
        {
            errors.Add("shopId", "must be 1 to 128 printable characters.");
        }
        DateTimeOffset? due = null;
        if (dueBefore is not null)
        {
            if (DateTimeOffset.TryParse(dueBefore, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) && (dueBefore.EndsWith('Z') || dueBefore.Contains('+', StringComparison.Ordinal) || dueBefore.LastIndexOf('-') > 9))
            {
                due = parsed;
                if (parsed.Year is < 2000 or >= 2100)
                {
                    errors.Add("dueBefore", "must lie between 2000-01-01 and 2100-01-01.");
                }
            }
            else
            {
                errors.Add("dueBefore", "must be an ISO-8601 time with an offset.");
            }
        }
        var size = 50;
        if (limit is not null && !(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) && size is >= 1 and <= 200))
        {
            errors.Add("limit", "must be a whole number from 1 to 200.");
        }
        if (continuationToken is not null && TicketIndex.DecodeToken(continuationToken) is null)
        {
            errors.Add("continuationToken", "is not a token this API returned.");
        }
        return errors.Any ? null : new TicketQuery(state, marketplace, shopId, due, size, continuationToken);
    }
}

/// <summary>
/// Ticket listing by shop, state, marketplace and active deadline: one row per ticket, partitioned by shop.
/// Written by the ticket's orchestration after each transition (activity <c>RecordTicket</c>); the deadline watchdog
/// reads it for overdue deadlines. Eventually consistent: the ticket itself is the truth.
/// </summary>
public sealed class TicketIndex(TableServiceClient tables, StorageNames names)
{
    private readonly TableClient _table = tables.GetTableClient(names.TicketIndexTable);

    /// <summary>
    /// What the listing row shows of a ticket (pure): the orchestration compares it with the last one it wrote, so the row
    /// is written only when something listed changed (e.g. not when a notice was delivered), whichever worker writes it.
    /// </summary>
    public static string Fingerprint(string ticketId, TicketState state)
    {
        var violation = ShopStanding.Violation(ticketId, state);
        return string.Join('|', state.Status, state.Outcome, state.ActiveDeadline?.Kind, state.ActiveDeadline?.DueAt.UtcTicks, state.ActiveDeadline?.LapsesAt.UtcTicks,
            state.NeedsReview, state.PausedAt?.UtcTicks, violation?.CompensatedAt.UtcTicks, violation?.AppealUpheld);
    }

    /// <summary>
    /// Writes the ticket's listing row and returns its ETag (null: not written, or unknown). Given the row's ETag as this
    /// caller last wrote it (<paramref name="knownETag"/>; <see cref="TicketRecord.NoRowYet"/>: never written), it
    /// writes under that ETag without reading, and reads only if the row has moved on since.
    /// </summary>
    public async Task<string?> ProjectAsync(string instanceId, long version, TicketState state, string? knownETag, CancellationToken cancellationToken)
    {
        if (state.Status == TicketStatus.None || state.Order is null || state.Policy is null)
        {
            return null;
        }
        var violation = ShopStanding.Violation(instanceId, state);
        var entity = new TableEntity(Keys.Escape(state.Order.ShopId), instanceId)
        {
            ["Marketplace"] = state.Policy.Marketplace,
            ["ShopId"] = state.Order.ShopId,
            ["OrderId"] = state.Order.OrderId,
            ["State"] = state.Status.WireName(),
            ["Outcome"] = state.Outcome?.WireName(),
            ["OpenedAt"] = state.OpenedAt,
            ["DeadlineKind"] = state.ActiveDeadline?.Kind.WireName(),
            ["DueAt"] = state.ActiveDeadline?.DueAt,
            ["LapsesAt"] = state.ActiveDeadline?.LapsesAt,
            ["NeedsReview"] = state.NeedsReview,
            ["PausedAt"] = state.PausedAt,
            ["CompensatedAt"] = violation?.CompensatedAt,
            ["AppealUpheld"] = violation?.AppealUpheld,
            ["Version"] = version,
        };
        var known = knownETag;
        while (true)
        {
            try
            {
                if (known is { } etag)
                {
                    known = null; // once: a conflict reads
                    var unread = etag == TicketRecord.NoRowYet
                        ? await _table.AddEntityAsync(entity, cancellationToken)
                        : await _table.UpdateEntityAsync(entity, new ETag(etag), TableUpdateMode.Replace, cancellationToken);
                    return unread.Headers.ETag?.ToString();
                }
                // Never older over newer: a late copy of an older record (see TicketTable.WriteAsync) leaves the row alone.
                var stored = await _table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, select: ["Version"], cancellationToken: cancellationToken);
                if (!stored.HasValue)
                {
                    return (await _table.AddEntityAsync(entity, cancellationToken)).Headers.ETag?.ToString();
                }
                if ((stored.Value!.GetInt64("Version") ?? 0) < version)
                {
                    return (await _table.UpdateEntityAsync(entity, stored.Value.ETag, TableUpdateMode.Replace, cancellationToken)).Headers.ETag?.ToString();
                }
                return null; // a newer version is listed: its writer knows the ETag
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // another record wrote the row between our read and our write: read again
            }
        }
    }

    public async Task<TicketPage> QueryAsync(TicketQuery query, CancellationToken ct)
    {
        var filters = new List<string>();
        if (query.ShopId is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Escape(query.ShopId)}"));
        }
        if (query.State is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"State eq {query.State}"));
        }
        if (query.Marketplace is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"Marketplace eq {query.Marketplace}"));
        }
        if (query.DueBefore is { } due)
        {
            filters.Add(TableClient.CreateQueryFilter($"DueAt le {due}"));
        }
        var filter = filters.Count == 0 ? null : string.Join(" and ", filters);
        var pages = _table.QueryAsync<TableEntity>(filter, query.Limit, cancellationToken: ct)
            .AsPages(query.ContinuationToken is null ? null : DecodeToken(query.ContinuationToken), query.Limit);
        await foreach (var page in pages)
        {
            var items = page.Values.Select(ToSummary).OrderBy(s => s.DueAt ?? DateTimeOffset.MaxValue).ToList();
            return new TicketPage(items, page.ContinuationToken is null ? null : EncodeToken(page.ContinuationToken));
        }
        return new TicketPage([], null);
    }

    /// <summary>Open tickets whose active deadline lapsed before <paramref name="cutoff"/> by the listing (clock not paused).</summary>
    public async IAsyncEnumerable<string> OverdueAsync(DateTimeOffset cutoff, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"LapsesAt le {cutoff} and State ne {"completed"} and State ne {"platform_intervention"}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["RowKey", "PausedAt"], cancellationToken: ct))
        {
            if (row.GetDateTimeOffset("PausedAt") is null)
            {
                yield return row.RowKey;
            }
        }
    }

    /// <summary>Removes the ticket's listing row (retention).</summary>
    public async Task DeleteAsync(string shopId, string ticketId, CancellationToken ct)
    {
        try
        {
            await _table.DeleteEntityAsync(Keys.Escape(shopId), ticketId, ETag.All, ct);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // already gone: what we wanted
        }
    }

    private static TicketSummary ToSummary(TableEntity e) => new(
        e.RowKey, e.GetString("Marketplace"), e.GetString("ShopId"), e.GetString("OrderId"), e.GetString("State"), e.GetString("Outcome"),
        ShopTime.Show(e.GetDateTimeOffset("OpenedAt")), e.GetString("DeadlineKind"), ShopTime.Show(e.GetDateTimeOffset("DueAt")),
        e.GetBoolean("NeedsReview") ?? false, ShopTime.Show(e.GetDateTimeOffset("PausedAt")), e.GetInt64("Version") ?? 0);

    /// <summary>Our mark on a continuation token: a token without it is not one this API returned.</summary>
    private const string TokenMark = "urgeship1|";

    internal static string EncodeToken(string token) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(TokenMark + token)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static string? DecodeToken(string token)
    {
        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        try
        {
            if (token.Length > 2048)
            {
                return null;
            }
            var decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(base64));
            return decoded.StartsWith(TokenMark, StringComparison.Ordinal) && decoded.Length > TokenMark.Length && decoded.All(c => !char.IsControl(c))
                ? decoded[TokenMark.Length..]
                : null;
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return null; // not one of ours: reported to the client as a bad field
        }
    }

    public async Task EnsureCreatedAsync(CancellationToken ct)
    {
        try
        {
            await _table.CreateIfNotExistsAsync(ct);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // created concurrently by another instance: what we wanted
        }
    }
}
