using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Activities;

namespace UrgeShipment.Functions.Tickets;

/// <summary>
/// One generation of a ticket's orchestration. Deterministic: it reads time only from the context (plus the dev-clock
/// offset it was told), does no I/O and calls no services; the domain decides, this waits, calls and records.
/// <list type="bullet">
/// <item>Commands are deduped by id; a refusal changes nothing and is reported to the waiting caller.</item>
/// <item>One durable timer for the next due moment (lapse, reminder, closing): kept when that moment moves later (it
/// fires early, and is re-armed for the rest), replaced when it moves earlier; never early.</item>
/// <item>Effects run as activities with a retry policy, concurrently with everything else; one that exhausts its
/// retries becomes a <see cref="WorkFailed"/> fact and flags the ticket.</item>
/// <item>Every transition is written to the ticket table by <see cref="TicketActivities.RecordTicket"/>, then the
/// custom status is updated; the history stays short by continuing as new.</item>
/// </list>
/// </summary>
internal sealed class TicketRun
{
    private const int AppliedCommandsKept = 1000;
    private static readonly TimeSpan RecordRetryDelay = TimeSpan.FromMinutes(1);

    private readonly TaskOrchestrationContext _context;
    private readonly TicketInput _input;
    private readonly ILogger _log;
    private readonly List<string> _applied;
    private readonly HashSet<string> _appliedSet;
    private readonly List<RecordedEvent> _unrecordedEvents;
    private readonly List<CommandResult> _unrecordedResults;
    private readonly List<string> _recent = [];
    private readonly HashSet<string> _triedInTransition = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, Task<WorkDone>> _work = new(StringComparer.Ordinal);
    private readonly TaskOptions _effectOptions;
    private readonly TaskOptions _recordOptions;
    private TicketState _state;
    private long _version;
    private TimeSpan _offset;
    private Task<TicketSignal>? _signal;
    private Alarm? _alarm;
    private DateTimeOffset? _recordRetryAt;
    private DateTimeOffset? _stalledAt;
    private string? _listed;
    private string? _stateETag;
    private string? _listingETag;
    private int _turns;

    public TicketRun(TaskOrchestrationContext context, TicketInput input)
    {
        _context = context;
        _input = input;
        _log = context.CreateReplaySafeLogger(nameof(TicketOrchestrator));
        _state = input.State;
        _version = input.Version;
        _offset = input.ClockOffset;
        _applied = [.. input.AppliedCommands];
        _appliedSet = new HashSet<string>(_applied, StringComparer.Ordinal);
        _unrecordedEvents = [.. input.UnrecordedEvents];
        _unrecordedResults = [.. input.UnrecordedResults];
        _listed = input.Listed;
        // A new ticket has no rows yet: its first record adds them unread. Later, the ETags of the last record's writes.
        var unwritten = input is { Version: 0, Generation: 0, PriorUrges.Count: 0, UnrecordedEvents.Count: 0 };
        _stateETag = unwritten ? TicketRecord.NoRowYet : input.StateETag;
        _listingETag = unwritten ? TicketRecord.NoRowYet : input.ListingETag;
        var settings = input.Settings;
        _effectOptions = TaskOptions.FromRetryPolicy(new RetryPolicy(
            settings.ActivityMaxAttempts, settings.ActivityFirstRetry, backoffCoefficient: 2, maxRetryInterval: settings.ActivityMaxRetry));
        _recordOptions = TaskOptions.FromRetryPolicy(new RetryPolicy(
            settings.RecordMaxAttempts, TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30)));
    }

    private string TicketId => _input.TicketId;

    /// <summary>Business time: the orchestration's replay-safe clock plus the dev-clock offset.</summary>
    private DateTimeOffset Now => new DateTimeOffset(DateTime.SpecifyKind(_context.CurrentUtcDateTime, DateTimeKind.Utc)) + _offset;

    public async Task<TicketInput> RunAsync()
    {
        _context.SetCustomStatus(StatusView()); // a new generation starts with no custom status: show the state it carries
        await RecordAsync(); // what an earlier generation could not write
        if (_input.PriorUrges.Count > 0 && _version == 0)
        {
            foreach (var urge in _input.PriorUrges)
            {
                Append([urge.Event], urge.CommandId, urge.RecordedAt);
            }
        }
        if (_input.First is { } first)
        {
            await ApplyAsync(first);
        }
        StartWork();

        while (true)
        {
            if (IsClosed)
            {
                CancelAlarm();
                TicketLog.Closed(_log, TicketId, _version);
                return Snapshot();
            }
            if (_turns >= _input.Settings.TurnsPerGeneration && _work.Count == 0 && _signal is null && NothingUnrecorded)
            {
                CancelAlarm();
                var next = Snapshot() with { Generation = _input.Generation + 1, Revision = TicketInput.CurrentRevision };
                TicketLog.ContinuedAsNew(_log, TicketId, next.Generation, _version);
                _context.ContinueAsNew(next, preserveUnprocessedEvents: true);
                return next;
            }

            _signal ??= _context.WaitForExternalEvent<TicketSignal>(TicketOrchestrator.SignalEvent);
            ArmAlarm();
            // Finished effects first, then the timer, then commands: a stream of commands must not starve the effects'
            // results (a generation can only continue as new once no effect is in flight).
            var waiting = new List<Task>(2 + _work.Count);
            waiting.AddRange(_work.Values);
            if (_alarm is { } armed)
            {
                waiting.Add(armed.Fired);
            }
            waiting.Add(_signal);

            var done = await Task.WhenAny(waiting);
            _turns++;
            if (done == _signal)
            {
                var signal = await _signal;
                _signal = null;
                await OnSignalAsync(signal);
            }
            else if (_alarm is { } alarm && done == alarm.Fired)
            {
                _alarm = null;
                await OnAlarmAsync(alarm.Due);
            }
            else
            {
                var finished = await (Task<WorkDone>)done;
                _work.Remove(finished.Item.Key);
                await OnWorkDoneAsync(finished);
            }
        }
    }

    // ------------------------------------------------------------------ inputs

    private async Task OnSignalAsync(TicketSignal signal)
    {
        if (signal.ClockOffset > _offset)
        {
            _offset = signal.ClockOffset; // the loop re-arms the timer at due − offset
            _stalledAt = null;
        }
        if (signal is CommandSignal command)
        {
            await ApplyAsync(command);
        }
    }

    private async Task OnAlarmAsync(DateTimeOffset due)
    {
        var now = Now;
        if (now < due)
        {
            return; // fired early (the queue counts visibility in whole seconds): the loop re-arms for the remainder
        }
        var version = _version;
        if (_recordRetryAt <= now)
        {
            await RecordAsync();
        }
        if (_state is { IsOpen: true, IsPaused: false, ActiveDeadline: { } deadline })
        {
            if (now >= deadline.LapsesAt)
            {
                await ApplyAsync(new LapseDeadline(deadline.Kind, deadline.DueAt, now), $"timer:{deadline.Kind.WireName()}:{deadline.DueAt.UtcTicks}");
            }
            else if (NextReminder(now) is { } reminder && reminder.At <= now)
            {
                await ApplyAsync(new RemindSeller(reminder.Key, now), "timer:" + reminder.Key);
            }
        }
        if (_version == version && NextDue() is { } again && again <= due)
        {
            // Nothing moved and the same moment is due again: never spin on it. A new signal or transition looks again.
            _stalledAt = due;
            TicketLog.Stalled(_log, TicketId, due);
        }
    }

    private async Task OnWorkDoneAsync(WorkDone done)
    {
        var now = Now;
        var key = done.Item.Key;
        TicketCommand command = done.Failure is { } failure
            ? new RecordWorkFailed(key, failure, now)
            : done.Item.Kind switch
            {
                WorkKind.SettleCompensation => new RecordCompensationSettled(key, now),
                WorkKind.DeliverNotice => new RecordNoticeDelivered(key, now),
                WorkKind.FileComplaint => new RecordComplaintSubmitted(key, now),
                _ => throw new InvalidOperationException($"Unknown work kind {done.Item.Kind}."),
            };
        await ApplyAsync(command, "work:" + key);
    }

    // ------------------------------------------------------------------ deciding and recording

    /// <summary>An external command: deduped by id, decided at business time, its result reported to the waiting caller.</summary>
    private async Task ApplyAsync(CommandSignal signal)
    {
        if (_appliedSet.Contains(signal.CommandId))
        {
            return; // a redelivery: the first result stands (the caller reads it from the ticket table)
        }
        var command = signal.Command with { Now = Now };
        switch (TicketDecider.Decide(_state, command))
        {
            case Decision.Accepted accepted:
                var events = Append(accepted.Events, signal.CommandId, Now);
                Remember(signal.CommandId);
                var answer = WebhookOutcomes.Describe(TicketId, events);
                _unrecordedResults.Add(new CommandResult(signal.CommandId, signal.Attempt, true, null, null, _version, answer.Outcome, answer.Reason));
                break;
            case Decision.Rejected rejected:
                // Nothing changes; the refusal is written only so the waiting caller can answer it.
                _unrecordedResults.Add(new CommandResult(signal.CommandId, signal.Attempt, false, rejected.Code, rejected.Detail, _version, null, null));
                break;
        }
        _recent.Add(signal.CommandId);
        await RecordAsync();
        StartWork();
    }

    /// <summary>A command of the orchestration's own (timer, effect result): decided and recorded; a refusal is logged.</summary>
    private async Task ApplyAsync(TicketCommand command, string commandId)
    {
        switch (TicketDecider.Decide(_state, command))
        {
            case Decision.Accepted accepted:
                Append(accepted.Events, commandId, command.Now);
                await RecordAsync();
                StartWork();
                break;
            case Decision.Rejected rejected:
                TicketLog.Refused(_log, TicketId, command.GetType().Name, rejected.Code);
                break;
        }
    }

    private List<RecordedEvent> Append(IReadOnlyList<TicketEvent> events, string commandId, DateTimeOffset at)
    {
        var recorded = new List<RecordedEvent>(events.Count);
        foreach (var change in events)
        {
            _state = TicketDecider.Evolve(_state, change);
            _version++;
            recorded.Add(new RecordedEvent(_version, at, commandId, change));
        }
        _unrecordedEvents.AddRange(recorded);
        if (recorded.Count > 0)
        {
            _stalledAt = null;
        }
        return recorded;
    }

    private void Remember(string commandId)
    {
        _applied.Add(commandId);
        _appliedSet.Add(commandId);
        if (_applied.Count > AppliedCommandsKept)
        {
            _appliedSet.Remove(_applied[0]); // older ids are still answered from the ticket table's result rows
            _applied.RemoveAt(0);
        }
    }

    private bool NothingUnrecorded => _unrecordedEvents.Count == 0 && _unrecordedResults.Count == 0;

    private bool EffectsInTransition => _input.Revision >= 1 && _input.Settings.EffectsInTransition;

    private bool KeepsEarlierTimers => _input.Revision >= 2;

    /// <summary>
    /// Writes what is not yet in the ticket table, handing the activity the pending effects it has not tried yet
    /// (<see cref="TicketSettings.EffectsInTransition"/>) and taking on the facts it recorded for those that succeeded; again
    /// while those facts bring new effects (a few rounds at most). If writing keeps failing, carries it all and tries again
    /// in a minute. Effects it could not perform are started as their own activities by <see cref="StartWork"/>.
    /// </summary>
    private async Task RecordAsync()
    {
        for (var round = 0; round < 3; round++)
        {
            var work = EffectsInTransition ? UntriedWork() : [];
            if (NothingUnrecorded && work.Count == 0)
            {
                return;
            }
            var listing = Projections.TicketIndex.Fingerprint(TicketId, _state);
            var record = new TicketRecord(TicketId, _version, _state, [.. _unrecordedEvents], [.. _unrecordedResults], UpdateListing: listing != _listed)
            {
                Work = work,
                StateETag = _stateETag,
                ListingETag = _listingETag,
            };
            RecordOutcome? outcome;
            try
            {
                outcome = await _context.CallActivityAsync<RecordOutcome?>(TicketActivities.RecordTicket, record, _recordOptions);
            }
            catch (TaskFailedException e)
            {
                _stateETag = _listingETag = null; // it may have written some rows: read them next time
                _recordRetryAt = Now + RecordRetryDelay;
                TicketLog.RecordFailed(_log, TicketId, _version, e.FailureDetails.ErrorType, _recordRetryAt.Value);
                return;
            }
            _listed = listing;
            _stateETag = outcome?.StateETag;
            _listingETag = outcome?.ListingETag;
            _unrecordedEvents.Clear();
            _unrecordedResults.Clear();
            _recordRetryAt = null;
            _triedInTransition.UnionWith(work.Select(w => w.Key));
            var moved = outcome is { Events.Count: > 0 } && outcome.Version > _version;
            if (moved)
            {
                // The effects' facts, decided and written by the activity from this very state: taken as they are.
                _state = outcome!.State;
                _version = outcome.Version;
                _listed = outcome.Listed;
                _stalledAt = null;
            }
            _context.SetCustomStatus(StatusView());
            if (!moved)
            {
                return;
            }
        }
    }

    /// <summary>Pending effects neither running as their own activity nor tried in a transition yet, as their orders.</summary>
    private List<WorkOrder> UntriedWork() =>
    [
        .. _state.PendingWork.Where(item => !_work.ContainsKey(item.Key) && !_triedInTransition.Contains(item.Key))
            .Select(item => WorkOrders.For(TicketId, _state, item)),
    ];

    // ------------------------------------------------------------------ effects

    private void StartWork()
    {
        foreach (var item in _state.PendingWork)
        {
            if (!_work.ContainsKey(item.Key))
            {
                _work[item.Key] = RunWorkAsync(item);
            }
        }
    }

    private async Task<WorkDone> RunWorkAsync(WorkItem item)
    {
        try
        {
            switch (item.Kind)
            {
                case WorkKind.SettleCompensation:
                    await _context.CallActivityAsync<string>(TicketActivities.SettleCompensation, WorkOrders.Settlement(TicketId, _state, item.Key), _effectOptions);
                    break;
                case WorkKind.DeliverNotice:
                    await _context.CallActivityAsync<string>(TicketActivities.DeliverNotice, WorkOrders.Notice(TicketId, _state, item.Key), _effectOptions);
                    break;
                case WorkKind.FileComplaint:
                    await _context.CallActivityAsync<string>(TicketActivities.FileComplaint, WorkOrders.ComplaintFiling(TicketId, _state, item.Key), _effectOptions);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown work kind {item.Kind}.");
            }
            return new WorkDone(item, null);
        }
        catch (TaskFailedException e)
        {
            // Retries exhausted: a fact (no exception text), and the ticket is flagged; an operator may retry it.
            return new WorkDone(item, "activity_failed:" + e.FailureDetails.ErrorType);
        }
    }

    // ------------------------------------------------------------------ time

    /// <summary>The next moment something is due, in business time: the lapse, the next reminder, closing, or a record retry.</summary>
    private DateTimeOffset? NextDue()
    {
        var candidates = new List<DateTimeOffset>(4);
        if (_state is { IsOpen: true, IsPaused: false, ActiveDeadline: { } deadline })
        {
            candidates.Add(deadline.LapsesAt);
            if (NextReminder(Now) is { } reminder)
            {
                candidates.Add(reminder.At);
            }
        }
        if (ClosesAt is { } closesAt)
        {
            candidates.Add(closesAt);
        }
        if (_recordRetryAt is { } retry)
        {
            candidates.Add(retry);
        }
        var due = candidates.Count == 0 ? (DateTimeOffset?)null : candidates.Min();
        return due is { } d && d <= _stalledAt ? null : due;
    }

    /// <summary>The next seller reminder still worth sending: before the active deadline's due time.</summary>
    private Reminders.Reminder? NextReminder(DateTimeOffset now) =>
        _state.ActiveDeadline is { } deadline && now < deadline.DueAt
            ? Reminders.Due(_state).FirstOrDefault(r => r.At < deadline.DueAt)
            : null;

    private void ArmAlarm()
    {
        var due = NextDue();
        if (_alarm is { } current && current.Due == due && current.Offset == _offset)
        {
            return;
        }
        if (due is { } later && KeepsEarlierTimers && _alarm is { Cancellation: not null } armed && armed.FiresAt <= (later - _offset).UtcDateTime)
        {
            // The armed timer fires no later than the new moment: keep it. A superseded timer fires anyway (the backend
            // cannot take it back), so a new one would only add a message and, later, an episode that does nothing; the
            // kept one fires early for the new moment, and the loop re-arms for the rest. Never early either way.
            _alarm = armed with { Due = later, Offset = _offset };
            return;
        }
        CancelAlarm();
        if (due is not { } at)
        {
            return;
        }
        var fireAt = (at - _offset).UtcDateTime;
        if (fireAt <= _context.CurrentUtcDateTime)
        {
            _alarm = new Alarm(at, _offset, fireAt, Task.CompletedTask, null);
            return;
        }
        var cancellation = new CancellationTokenSource();
        _alarm = new Alarm(at, _offset, fireAt, _context.CreateTimer(fireAt, cancellation.Token), cancellation);
    }

    /// <summary>Cancels the armed timer: a superseded timer must not keep the instance waiting.</summary>
    private void CancelAlarm()
    {
        if (_alarm is { Cancellation: { } cancellation })
        {
            cancellation.Cancel();
            cancellation.Dispose();
        }
        _alarm = null;
    }

    // ------------------------------------------------------------------ closing

    /// <summary>When a completed ticket stops accepting events, if nothing holds it open (money owed, failed work, review).</summary>
    private DateTimeOffset? ClosesAt =>
        _state is { Status: TicketStatus.Completed, NeedsReview: false, CompletedAt: { } completedAt, Policy: { } policy }
        && _work.Count == 0 && _state.PendingWork.Count == 0 && !_state.HasFailedWork && NothingUnrecorded
            ? completedAt + policy.AcceptEventsAfterCompletion
            : null;

    private bool IsClosed => _state.Status == TicketStatus.None || (ClosesAt is { } closesAt && Now >= closesAt);

    private TicketInput Snapshot() => _input with
    {
        State = _state,
        Version = _version,
        ClockOffset = _offset,
        AppliedCommands = [.. _applied],
        PriorUrges = [],
        First = null,
        UnrecordedEvents = [.. _unrecordedEvents],
        UnrecordedResults = [.. _unrecordedResults],
        Listed = _listed,
        StateETag = _stateETag,
        ListingETag = _listingETag,
    };

    private TicketStatusView StatusView() => new(
        _state.Status.WireName(),
        _version,
        _state.ActiveDeadline?.Kind.WireName(),
        _state.ActiveDeadline?.LapsesAt,
        _state.IsPaused,
        _state.NeedsReview,
        _state.PendingWork.Count,
        _input.Generation,
        [.. _recent.TakeLast(5)]);

    /// <summary>The armed timer: the business moment it is for (<see cref="Due"/>), the orchestration time it fires at.</summary>
    private sealed record Alarm(DateTimeOffset Due, TimeSpan Offset, DateTime FiresAt, Task Fired, CancellationTokenSource? Cancellation);

    private sealed record WorkDone(WorkItem Item, string? Failure);
}

/// <summary>The orchestration's log lines (through the replay-safe logger: written once, not on every replay).</summary>
internal static partial class TicketLog
{

    [LoggerMessage(LogLevel.Information, "Ticket {TicketId} closed at version {Version}.")]
    public static partial void Closed(ILogger logger, string ticketId, long version);

    [LoggerMessage(LogLevel.Information, "Ticket {TicketId} continues as new: generation {Generation} at version {Version}.")]
    public static partial void ContinuedAsNew(ILogger logger, string ticketId, int generation, long version);

    [LoggerMessage(LogLevel.Error, "Ticket {TicketId}: the timer due at {Due} changed nothing; it waits for the next event.")]
    public static partial void Stalled(ILogger logger, string ticketId, DateTimeOffset due);

    [LoggerMessage(LogLevel.Warning, "Ticket {TicketId}: {Command} refused ({Code}).")]
    public static partial void Refused(ILogger logger, string ticketId, string command, string code);

    [LoggerMessage(LogLevel.Error, "Ticket {TicketId}: writing version {Version} to the ticket table failed ({Error}); retrying at {RetryAt}.")]
    public static partial void RecordFailed(ILogger logger, string ticketId, long version, string error, DateTimeOffset retryAt);
}
