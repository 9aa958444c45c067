using System.ComponentModel.DataAnnotations;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using UrgeShipment.Functions.Hosting;

namespace UrgeShipment.Functions.Tickets;

public sealed class HttpOptions
{
    /// <summary>How long a seller reply, operator command or webhook waits for its ticket to apply it before answering 202.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan CommandWait { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>How sending a command to a ticket ended.</summary>
public enum SendStatus
{
    /// <summary>The ticket applied or refused it: see <see cref="Sent.Result"/>.</summary>
    Done,

    /// <summary>Raised (durable), not yet applied within the wait: answer 202 and let the caller look later.</summary>
    Pending,

    /// <summary>There is no ticket to send it to.</summary>
    NoTicket,

    /// <summary>The ticket's orchestration has finished (closed after completion): it accepts no more events.</summary>
    Closed,

    /// <summary>The ticket's orchestration failed or was terminated: an operator must repair it; nothing was sent.</summary>
    Unavailable,

    /// <summary>The ticket's orchestration did not start within the wait (no worker?): nothing was sent; the caller retries.</summary>
    NotStarted,
}

public sealed record Sent(SendStatus Status, CommandResult? Result = null);

/// <summary>
/// Synchronous commands on top of one-way Durable Functions events: start the ticket with its first command as the
/// input, or raise the command once the instance is past Pending (an event raised before the start can be dropped),
/// then wait, bounded, until the orchestration has recorded that command's result in the ticket table.
/// </summary>
public sealed class TicketCommands(TicketTable tickets, CommandResults results, BusinessClock clock, IOptions<HttpOptions> options, IOptions<TicketSettings> settings)
{
    /// <summary>Never overwrite an instance, whatever its status: one ticket per order.</summary>
    private static readonly IReadOnlyList<string> AnyStatus =
        ["Pending", "Running", "ContinuedAsNew", "Completed", "Failed", "Terminated", "Suspended"];

    // The RecordTicket activity wakes a waiter in its own process at once (CommandResults), so the poll is only for a
    // result recorded by another instance: it starts at half a second and grows to two, not to cost reads while waiting.
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(2);

    public TimeSpan Wait => options.Value.CommandWait;

    /// <summary>A new command envelope: a fresh attempt, the sender's clock offset.</summary>
    public CommandSignal Signal(string commandId, Domain.TicketCommand command) => new()
    {
        CommandId = commandId,
        Attempt = Guid.NewGuid().ToString("N"),
        Command = command,
        ClockOffset = clock.Offset,
    };

    /// <summary>Starts the ticket's orchestration with <paramref name="first"/>; if it exists already, sends the command to it.</summary>
    public async Task<Sent> StartAsync(DurableTaskClient client, string ticketId, CommandSignal first, IReadOnlyList<RecordedEvent> priorUrges, CancellationToken ct)
    {
        var input = new TicketInput
        {
            TicketId = ticketId,
            State = Domain.TicketState.Initial,
            ClockOffset = clock.Offset,
            PriorUrges = priorUrges,
            First = first,
            Settings = settings.Value,
            Revision = TicketInput.CurrentRevision,
        };
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(TicketOrchestrator), input,
                new StartOrchestrationOptions(ticketId) { DedupeStatuses = AnyStatus }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Refused because the ticket exists (another delivery started it a moment ago)? Then it gets the command.
            if (await client.GetInstanceAsync(ticketId, ct) is null)
            {
                throw;
            }
            return await SendAsync(client, ticketId, first, ct);
        }
        return await WaitAsync(client, ticketId, first, ct, started: true);
    }

    /// <summary>Raises <paramref name="signal"/> to the ticket's running orchestration and waits for its result.</summary>
    public async Task<Sent> SendAsync(DurableTaskClient client, string ticketId, CommandSignal signal, CancellationToken ct)
    {
        var instance = await client.GetInstanceAsync(ticketId, ct);
        switch (instance?.RuntimeStatus)
        {
            case null:
                return new Sent(SendStatus.NoTicket);
            case OrchestrationRuntimeStatus.Completed:
                return new Sent(SendStatus.Closed);
            case OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated:
                return new Sent(SendStatus.Unavailable);
            case OrchestrationRuntimeStatus.Pending:
                using (var started = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    started.CancelAfter(Wait);
                    try
                    {
                        await client.WaitForInstanceStartAsync(ticketId, started.Token);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        // An event raised before the start can be dropped: raise nothing, and let the caller retry (never a 2xx).
                        return new Sent(SendStatus.NotStarted);
                    }
                }
                break;
        }
        await client.RaiseEventAsync(ticketId, TicketOrchestrator.SignalEvent, signal, ct);
        return await WaitAsync(client, ticketId, signal, ct);
    }

    /// <summary>
    /// True once the running instance started with <paramref name="signal"/> or has applied it; if it started with another
    /// command (our start message was dropped as a duplicate), raises ours (deduped by id, so raising twice is harmless).
    /// </summary>
    private static async Task<bool> EnsureStartedWithAsync(DurableTaskClient client, string ticketId, CommandSignal signal, CancellationToken ct)
    {
        var instance = await client.GetInstanceAsync(ticketId, getInputsAndOutputs: true, ct);
        if (instance is null or { RuntimeStatus: OrchestrationRuntimeStatus.Pending })
        {
            return false;
        }
        var input = instance.ReadInputAs<TicketInput>();
        if (input?.First?.CommandId != signal.CommandId && input?.AppliedCommands.Contains(signal.CommandId, StringComparer.Ordinal) != true)
        {
            await client.RaiseEventAsync(ticketId, TicketOrchestrator.SignalEvent, signal, ct);
        }
        return true;
    }

    /// <summary>
    /// Waits until the ticket table holds the command's result: applied (by any attempt: the first result stands) or
    /// refused for this attempt. Woken at once, with the result as written, when this process recorded it; otherwise
    /// polls the table, growing to 2 s.
    /// </summary>
    /// <remarks>
    /// Two starts of a new ticket at the same moment can both be accepted by the backend, which then runs the first and
    /// drops the second's start message. So a caller that <paramref name="started"/> the instance checks, once it runs,
    /// that its command is the one the instance started with (or has applied), and raises it otherwise.
    /// </remarks>
    public async Task<Sent> WaitAsync(DurableTaskClient client, string ticketId, CommandSignal signal, CancellationToken ct, bool started = false)
    {
        using var watch = results.Watch(ticketId, signal.CommandId);
        var since = Stopwatch.GetTimestamp();
        var poll = FirstPoll;
        var verified = !started;
        for (var round = 1; ; round++)
        {
            var remaining = Wait - Stopwatch.GetElapsedTime(since);
            if (remaining <= TimeSpan.Zero)
            {
                return new Sent(SendStatus.Pending);
            }
            await watch.WaitAsync(poll < remaining ? poll : remaining, ct);
            // Recorded by this process: the result as written, no read. Otherwise, read what another process may have written.
            var result = watch.Recorded ?? await tickets.ReadResultAsync(ticketId, signal.CommandId, ct);
            if (result is not null && (result.Applied || result.Attempt == signal.Attempt))
            {
                return new Sent(SendStatus.Done, result);
            }
            if (!verified && round % 2 == 0)
            {
                verified = await EnsureStartedWithAsync(client, ticketId, signal, ct);
            }
            else if (round % 4 == 0 && await client.GetInstanceAsync(ticketId, ct) is { RuntimeStatus: OrchestrationRuntimeStatus.Completed })
            {
                return new Sent(SendStatus.Closed); // it closed before our event reached it
            }
            poll = poll * 2 < LongestPoll ? poll * 2 : LongestPoll;
        }
    }
}

/// <summary>
/// In-process wake-ups: the HTTP request waiting for a command's result is woken the moment this process's
/// <c>RecordTicket</c> activity has written it, instead of at its next poll, and handed the result as written.
/// </summary>
public sealed class CommandResults
{
    private readonly ConcurrentDictionary<(string Ticket, string Command), Watcher> _watchers = new();

    public Watcher Watch(string ticketId, string commandId)
    {
        var watcher = new Watcher(this, (ticketId, commandId));
        _watchers[watcher.Key] = watcher;
        return watcher;
    }

    public void Published(string ticketId, IEnumerable<CommandResult> recorded)
    {
        foreach (var result in recorded)
        {
            if (_watchers.TryGetValue((ticketId, result.CommandId), out var watcher))
            {
                watcher.Signal(result);
            }
        }
    }

    public sealed class Watcher : IDisposable
    {
        private readonly CommandResults _owner;
        private readonly SemaphoreSlim _signal = new(0);

        internal Watcher(CommandResults owner, (string, string) key)
        {
            _owner = owner;
            Key = key;
        }

        internal (string Ticket, string Command) Key { get; }

        private CommandResult? _recorded;

        /// <summary>The command's result as this process's <c>RecordTicket</c> wrote it (already in the ticket table); null: none yet.</summary>
        public CommandResult? Recorded => Volatile.Read(ref _recorded);

        internal void Signal(CommandResult recorded)
        {
            Volatile.Write(ref _recorded, recorded);
            _signal.Release();
        }

        // The semaphore is not disposed: a result recorded just as its waiter gives up may still signal it (it has no wait handle to free).

        /// <summary>Until signalled or <paramref name="timeout"/> has passed.</summary>
        public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

        public void Dispose() => _owner._watchers.TryRemove(new KeyValuePair<(string, string), Watcher>(Key, this));
    }
}
