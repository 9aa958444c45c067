using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Projections;

namespace UrgeShipment.Functions.Tickets;

/// <summary>A ticket as the table holds it: its state at <see cref="Version"/>.</summary>
public sealed record StoredTicket(string TicketId, long Version, TicketState State);

/// <summary>
/// The ticket table: the full state and domain history of every ticket, written by the orchestration (activity
/// <c>RecordTicket</c>) after each transition, read by the HTTP functions (views, pre-decisions, command results), so
/// no HTTP call reads orchestration history. One partition per ticket:
/// <c>0state</c> (the state), <c>e{version}</c> (one row per event), <c>r|{command id}</c> (what each command led to),
/// <c>u|{command id}</c> (urges recorded before the ticket opened).
/// </summary>
public sealed class TicketTable(TableServiceClient tables, StorageNames names)
{
    private const string StateRow = "0state";
    private const string EventPrefix = "e";
    private const string ResultPrefix = "r|";
    private const string UrgePrefix = "u|";
    private const int BatchLimit = 100;

    private readonly TableClient _table = tables.GetTableClient(names.TicketsTable);

    /// <summary>The ETag given for a state row known not to exist yet (<see cref="TicketRecord.NoRowYet"/>).</summary>
    public static readonly ETag NoRowYet = new(TicketRecord.NoRowYet);

    public Task EnsureCreatedAsync(CancellationToken ct) => _table.CreateIfNotExistsAsync(ct);

    /// <summary>
    /// Writes a transition: its events and results, then the state, unless the table already holds a newer version. An
    /// activity runs at least once, and a copy of an older transition's record can run after newer ones (its work item
    /// was taken by a process that died, and reappears when its visibility timeout ends): it must not move the ticket
    /// back. The state row is replaced only under the ETag of the older version read just before; a race re-reads.
    /// Returns false when a newer version was already written (everything that record carried is then written too).
    /// </summary>
    public async Task<bool> WriteAsync(TicketRecord record, CancellationToken ct) => (await WriteAsync(record, null, ct)).Written;

    /// <summary>
    /// The same, and the state row's new ETag. Given the ETag of the state row as this caller last wrote it
    /// (<paramref name="stateETag"/>: the transition just before), it skips the read of the stored version: the write is
    /// conditional on that ETag, and re-reads if it no longer holds. <see cref="NoRowYet"/> adds the row unread.
    /// </summary>
    public async Task<(bool Written, ETag? StateETag)> WriteAsync(TicketRecord record, ETag? stateETag, CancellationToken ct)
    {
        var rows = new List<TableEntity>(record.Events.Count + record.Results.Count);
        foreach (var recorded in record.Events)
        {
            var row = new TableEntity(record.TicketId, EventKey(recorded.Version))
            {
                ["RecordedAt"] = recorded.RecordedAt,
                ["CommandId"] = recorded.CommandId,
                ["Type"] = recorded.Event.GetType().Name,
            };
            LongText.Set(row, "Json", JsonSerializer.Serialize(recorded.Event, TicketJson.Storage));
            rows.Add(row);
        }
        foreach (var result in record.Results)
        {
            rows.Add(ResultRow(record.TicketId, result));
        }
        var state = new TableEntity(record.TicketId, StateRow)
        {
            ["Version"] = record.Version,
            ["ShopId"] = record.State.ShopId,
            ["Status"] = record.State.Status.WireName(),
        };
        LongText.Set(state, "Json", JsonSerializer.Serialize(record.State, TicketJson.Storage));
        var known = stateETag;
        while (true)
        {
            TableTransactionAction writeState;
            if (known is { } etag)
            {
                writeState = etag == NoRowYet
                    ? new TableTransactionAction(TableTransactionActionType.Add, state)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, state, etag);
                known = null; // once: a conflict re-reads
            }
            else
            {
                var stored = await _table.GetEntityIfExistsAsync<TableEntity>(record.TicketId, StateRow, select: ["Version"], cancellationToken: ct);
                if (stored.HasValue && (stored.Value!.GetInt64("Version") ?? 0) > record.Version)
                {
                    return (false, null);
                }
                // The same version again (a retry, or a refusal's result at an unchanged version) rewrites the same state.
                writeState = stored.HasValue
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, state, stored.Value!.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, state);
            }
            var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)).Append(writeState).ToList();
            try
            {
                Response<IReadOnlyList<Response>>? last = null;
                foreach (var batch in actions.Chunk(BatchLimit))
                {
                    last = await _table.SubmitTransactionAsync(batch, ct); // the state is last: a reader never sees a state whose events are missing
                }
                var written = last?.Value is { Count: > 0 } responses ? responses[^1].Headers.ETag : null;
                return (true, written);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                // only the state's action is conditional: another record wrote the state between our read and our write
            }
        }
    }

    /// <summary>An urge that opened no ticket (no orchestration exists for it): kept for the ticket that may open later.</summary>
    public async Task WriteUrgeAsync(string ticketId, RecordedEvent urge, CommandResult result, CancellationToken ct)
    {
        var row = new TableEntity(ticketId, UrgePrefix + Keys.Escape(urge.CommandId))
        {
            ["RecordedAt"] = urge.RecordedAt,
            ["CommandId"] = urge.CommandId,
        };
        LongText.Set(row, "Json", JsonSerializer.Serialize(urge.Event, TicketJson.Storage));
        await _table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, row),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, ResultRow(ticketId, result)),
        ], ct);
    }

    /// <summary>The urges recorded before the ticket opened, oldest first.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadPriorUrgesAsync(string ticketId, CancellationToken ct)
    {
        var urges = new List<RecordedEvent>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ticketId} and RowKey ge {UrgePrefix} and RowKey lt {"u}"}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            urges.Add(new RecordedEvent(0, row.GetDateTimeOffset("RecordedAt") ?? default, row.GetString("CommandId"),
                JsonSerializer.Deserialize<TicketEvent>(LongText.Get(row, "Json"), TicketJson.Storage)!));
        }
        return [.. urges.OrderBy(u => u.RecordedAt)];
    }

    /// <summary>The ticket's state, or null when the table has none yet (no ticket, or its first transition is being written).</summary>
    public async Task<StoredTicket?> ReadAsync(string ticketId, CancellationToken ct)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(ticketId, StateRow, cancellationToken: ct);
        return row.HasValue ? ToStored(row.Value!) : null;
    }

    /// <summary>The state with its full history, oldest event first.</summary>
    public async Task<(StoredTicket Ticket, IReadOnlyList<RecordedEvent> History)?> ReadWithHistoryAsync(string ticketId, CancellationToken ct)
    {
        StoredTicket? ticket = null;
        var history = new List<RecordedEvent>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ticketId} and RowKey lt {"f"}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            if (row.RowKey == StateRow)
            {
                ticket = ToStored(row);
            }
            else
            {
                history.Add(new RecordedEvent(
                    long.Parse(row.RowKey.AsSpan(EventPrefix.Length), CultureInfo.InvariantCulture),
                    row.GetDateTimeOffset("RecordedAt") ?? default,
                    row.GetString("CommandId"),
                    JsonSerializer.Deserialize<TicketEvent>(LongText.Get(row, "Json"), TicketJson.Storage)!));
            }
        }
        if (ticket is null)
        {
            return null;
        }
        // Events newer than the state row may exist while a transition is being written: show the state's own version.
        return (ticket, [.. history.Where(e => e.Version <= ticket.Version).OrderBy(e => e.Version)]);
    }

    /// <summary>What the command with this id led to, or null when the ticket has not recorded it (yet).</summary>
    public async Task<CommandResult?> ReadResultAsync(string ticketId, string commandId, CancellationToken ct)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(ticketId, ResultPrefix + Keys.Escape(commandId), cancellationToken: ct);
        if (!row.HasValue)
        {
            return null;
        }
        var e = row.Value!;
        return new CommandResult(e.GetString("CommandId"), e.GetString("Attempt") ?? "", e.GetBoolean("Applied") ?? false, e.GetString("RejectionCode"),
            e.GetString("RejectionDetail"), e.GetInt64("Version") ?? 0, e.GetString("Outcome"), e.GetString("Reason"));
    }

    /// <summary>Deletes every row of the ticket (retention).</summary>
    public async Task DeleteAsync(string ticketId, CancellationToken ct)
    {
        var keys = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ticketId}"), select: ["RowKey"], cancellationToken: ct))
        {
            keys.Add(row.RowKey);
        }
        foreach (var batch in keys.Chunk(BatchLimit))
        {
            try
            {
                await _table.SubmitTransactionAsync(batch.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(ticketId, k), ETag.All)), ct);
            }
            catch (TableTransactionFailedException e) when (e.Status == 404)
            {
                // a row went away meanwhile (another retention run): delete the rest one by one
                foreach (var key in batch)
                {
                    await _table.DeleteEntityAsync(ticketId, key, ETag.All, ct);
                }
            }
        }
    }

    private static TableEntity ResultRow(string ticketId, CommandResult result) =>
        new(ticketId, ResultPrefix + Keys.Escape(result.CommandId))
        {
            ["CommandId"] = result.CommandId,
            ["Attempt"] = result.Attempt,
            ["Applied"] = result.Applied,
            ["RejectionCode"] = result.RejectionCode,
            ["RejectionDetail"] = result.RejectionDetail,
            ["Version"] = result.Version,
            ["Outcome"] = result.Outcome,
            ["Reason"] = result.Reason,
        };

    private static StoredTicket ToStored(TableEntity row) =>
        new(row.PartitionKey, row.GetInt64("Version") ?? 0, JsonSerializer.Deserialize<TicketState>(LongText.Get(row, "Json"), TicketJson.Storage)!);

    private static string EventKey(long version) => EventPrefix + version.ToString("D10", CultureInfo.InvariantCulture);
}
