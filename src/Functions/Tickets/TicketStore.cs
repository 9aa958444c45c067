using UrgeShipment.Domain;
using UrgeShipment.Durable;

namespace UrgeShipment.Functions.Tickets;

/// <summary>Tickets on the durable runtime: one instance per (marketplace, order), addressed by its ticket id.</summary>
public sealed class TicketStore(DurableRuntime<TicketState, TicketCommand, TicketEvent> runtime)
{
    private const int HistoryPageSize = 200;

    public DurableRuntime<TicketState, TicketCommand, TicketEvent> Runtime => runtime;

    public Task<CommandResult<TicketState, TicketEvent>> ExecuteAsync(string ticketId, string commandId, TicketCommand command, CancellationToken ct) =>
        runtime.ExecuteAsync(ticketId, commandId, command, ct);

    /// <summary>The instance, or null when nothing was ever recorded for it.</summary>
    public Task<InstanceSnapshot<TicketState>?> LoadAsync(string ticketId, CancellationToken ct) => runtime.GetAsync(ticketId, ct);

    /// <summary>
    /// The instance as this process last saw it, for facts fixed once the ticket opened (shop, policy): saves a read
    /// before a command, whose commit then checks the real state under its ETag anyway.
    /// </summary>
    public async Task<InstanceSnapshot<TicketState>?> PeekAsync(string ticketId, CancellationToken ct)
    {
        var seen = await runtime.GetCachedOrCommittedAsync(ticketId, ct);
        return seen is { State.Status: not TicketStatus.None } ? seen : await runtime.GetAsync(ticketId, ct);
    }

    /// <summary>The ticket view with its full history; null when there is no ticket (an order with only urges has none).</summary>
    public async Task<TicketView?> ViewAsync(string ticketId, CancellationToken ct)
    {
        var snapshot = await runtime.GetAsync(ticketId, ct);
        if (snapshot is null || snapshot.State.Status == TicketStatus.None)
        {
            return null;
        }
        return TicketViews.From(ticketId, snapshot.Version, snapshot.State, await HistoryAsync(ticketId, ct));
    }

    /// <summary>The view right after a command: an applied command's own state saves re-reading the snapshot.</summary>
    public async Task<TicketView> ViewAfterAsync(string ticketId, CommandResult<TicketState, TicketEvent> result, CancellationToken ct) =>
        result is { Outcome: CommandOutcome.Applied, State: { } state }
            ? TicketViews.From(ticketId, result.Version, state, await HistoryAsync(ticketId, ct))
            : (await ViewAsync(ticketId, ct))!;

    public async Task<IReadOnlyList<StoredEvent<TicketEvent>>> HistoryAsync(string ticketId, CancellationToken ct)
    {
        var events = new List<StoredEvent<TicketEvent>>();
        string? continuation = null;
        do
        {
            var page = await runtime.GetHistoryAsync(ticketId, continuation, HistoryPageSize, ct);
            events.AddRange(page.Events);
            continuation = page.ContinuationToken;
        }
        while (continuation is not null);
        return events;
    }
}
