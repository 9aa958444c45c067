using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using UrgeShipment.Domain;

namespace UrgeShipment.Functions.Tickets;

/// <summary>
/// What a ticket's orchestration starts from, and what it hands to its next generation (<c>ContinueAsNew</c>) or returns
/// when it finishes: the ticket's state and everything the orchestration must not forget.
/// </summary>
public sealed record TicketInput
{
    public required string TicketId { get; init; }

    [JsonConverter(typeof(DomainJsonConverter<TicketState>))]
    public required TicketState State { get; init; }

    /// <summary>How many domain events the ticket has (its history version).</summary>
    public long Version { get; init; }

    /// <summary>Business time = orchestration time + this (the dev clock; zero outside demos and tests).</summary>
    public TimeSpan ClockOffset { get; init; }

    /// <summary>Ids of the commands already applied (webhook events, replies, operator commands): a redelivery is a no-op.</summary>
    public IReadOnlyList<string> AppliedCommands { get; init; } = [];

    /// <summary>Urges recorded before the ticket opened (each opened none): the first events of its history.</summary>
    public IReadOnlyList<RecordedEvent> PriorUrges { get; init; } = [];

    /// <summary>The command that starts the ticket (the opening urge); null for a next generation.</summary>
    public CommandSignal? First { get; init; }

    /// <summary>Events and command results not yet written to the ticket table (its writes kept failing); written first.</summary>
    public IReadOnlyList<RecordedEvent> UnrecordedEvents { get; init; } = [];

    public IReadOnlyList<CommandResult> UnrecordedResults { get; init; } = [];

    /// <summary>What the listing row last written shows (<see cref="Projections.TicketIndex.Fingerprint"/>); null: never written.</summary>
    public string? Listed { get; init; }

    public TicketSettings Settings { get; init; } = TicketSettings.Default;

    /// <summary>How many times the orchestration continued as new.</summary>
    public int Generation { get; init; }

    /// <summary>
    /// The orchestrator code revision this generation started under (absent in older inputs: 0). A change in what the
    /// orchestrator schedules only applies from the revision that introduced it, so a generation in flight at an upgrade
    /// replays as it was written; its next generation (a fresh history) starts on <see cref="CurrentRevision"/>.
    /// </summary>
    public int Revision { get; init; }

    /// <summary>The state and listing rows' ETags as the last generation left them (see <see cref="TicketRecord.StateETag"/>).</summary>
    public string? StateETag { get; init; }

    public string? ListingETag { get; init; }

    /// <summary>
    /// 1: a transition's effects are tried inside its <c>RecordTicket</c> activity (<see cref="TicketSettings.EffectsInTransition"/>).
    /// 2: a durable timer that fires no later than the next due moment is kept when that moment moves later (no new timer).
    /// </summary>
    public const int CurrentRevision = 2;
}

/// <summary>How a ticket's orchestration runs its effects; fixed at start (and carried to later generations).</summary>
public sealed record TicketSettings
{
    public static TicketSettings Default { get; } = new();

    /// <summary>Attempts of an effect (settlement, notice, complaint filing) before it becomes a failed work item.</summary>
    [Range(1, 100)]
    public int ActivityMaxAttempts { get; init; } = 6;

    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan ActivityFirstRetry { get; init; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan ActivityMaxRetry { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts of writing the ticket table before the orchestration carries the writes to its next turn.</summary>
    [Range(1, 100)]
    public int RecordMaxAttempts { get; init; } = 8;

    /// <summary>Turns (commands, timers, effects) in one generation before it continues as new, so history stays short.</summary>
    [Range(1, 100_000)]
    public int TurnsPerGeneration { get; init; } = 40;

    /// <summary>
    /// A transition's effects (settlement, notices, complaint filing) are first tried inside the activity that records it,
    /// and their results recorded there too: one activity per transition instead of one per effect plus one per result.
    /// An effect that fails there goes on through its own activity and retry policy. Off: one activity per effect.
    /// </summary>
    public bool EffectsInTransition { get; init; } = true;
}

/// <summary>Everything sent to a ticket's orchestration: one external event name, one closed hierarchy.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "signal")]
[JsonDerivedType(typeof(CommandSignal), "command")]
[JsonDerivedType(typeof(ClockSignal), "clock")]
[JsonDerivedType(typeof(WakeSignal), "wake")]
public abstract record TicketSignal
{
    /// <summary>The sender's dev-clock offset; the orchestration takes the largest it has seen (the clock only moves forward).</summary>
    public TimeSpan ClockOffset { get; init; }
}

/// <summary>
/// A command for the ticket. <see cref="CommandId"/> dedupes it (webhook <c>X-Event-Id</c>, <c>Idempotency-Key</c>, or generated);
/// <see cref="Attempt"/> names the HTTP request waiting for its result. The command's <c>Now</c> is replaced by the
/// orchestration's business time when it is applied.
/// </summary>
public sealed record CommandSignal : TicketSignal
{
    public required string CommandId { get; init; }

    public required string Attempt { get; init; }

    [JsonConverter(typeof(DomainJsonConverter<TicketCommand>))]
    public required TicketCommand Command { get; init; }
}

/// <summary>The dev clock moved: re-arm the timer at <c>due − offset</c>.</summary>
public sealed record ClockSignal : TicketSignal;

/// <summary>The deadline watchdog found the ticket overdue in the listing: look at the clock again.</summary>
public sealed record WakeSignal : TicketSignal;

/// <summary>A domain event as recorded in the ticket's history: its version (1-based), when, and by which command.</summary>
public sealed record RecordedEvent(
    long Version,
    DateTimeOffset RecordedAt,
    string CommandId,
    [property: JsonConverter(typeof(DomainJsonConverter<TicketEvent>))] TicketEvent Event);

/// <summary>
/// What a command led to. <see cref="Applied"/>: accepted and recorded (possibly as an ignored fact); otherwise refused with
/// <see cref="RejectionCode"/> and nothing changed. <see cref="Outcome"/>/<see cref="Reason"/> are the webhook answer.
/// </summary>
public sealed record CommandResult(
    string CommandId,
    string Attempt,
    bool Applied,
    string? RejectionCode,
    string? RejectionDetail,
    long Version,
    string? Outcome,
    string? Reason);

/// <summary>
/// What the orchestration writes after a transition (activity <c>RecordTicket</c>): the ticket table always, the listing row
/// when <see cref="UpdateListing"/> (something listed changed).
/// </summary>
public sealed record TicketRecord(
    string TicketId,
    long Version,
    [property: JsonConverter(typeof(DomainJsonConverter<TicketState>))] TicketState State,
    IReadOnlyList<RecordedEvent> Events,
    IReadOnlyList<CommandResult> Results,
    bool UpdateListing = true)
{
    /// <summary>Pending effects to try once the transition is written (see <see cref="TicketSettings.EffectsInTransition"/>).</summary>
    public IReadOnlyList<WorkOrder> Work { get; init; } = [];

    /// <summary>
    /// The state row's ETag as the orchestration's last <c>RecordTicket</c> left it (<see cref="RecordOutcome.StateETag"/>),
    /// <see cref="NoRowYet"/> for a ticket never written, null when unknown. Known, the write skips reading the stored
    /// version: it is conditional on that ETag, and reads only if the row has moved on since.
    /// </summary>
    public string? StateETag { get; init; }

    /// <summary>The listing row's ETag, the same way (<see cref="RecordOutcome.ListingETag"/>).</summary>
    public string? ListingETag { get; init; }

    /// <summary>Stands for "no row has been written yet": the first write adds it without reading (a conflict reads).</summary>
    public const string NoRowYet = "none";
}

/// <summary>One pending effect of a ticket, with exactly one order: what its own activity would be given.</summary>
public sealed record WorkOrder(
    string Key,
    WorkKind Kind,
    Activities.CompensationOrder? Settlement = null,
    Activities.NoticeOrder? Notice = null,
    Activities.ComplaintFilingOrder? Complaint = null);

/// <summary>
/// What <c>RecordTicket</c> did with the record's <see cref="TicketRecord.Work"/>: the effects that succeeded, recorded as
/// their facts (<see cref="Events"/>, up to <see cref="Version"/>, giving <see cref="State"/> and the listing
/// <see cref="Listed"/>), and the keys of those that failed (they go on through their own activities).
/// </summary>
public sealed record RecordOutcome(
    long Version,
    [property: JsonConverter(typeof(DomainJsonConverter<TicketState>))] TicketState State,
    IReadOnlyList<RecordedEvent> Events,
    string? Listed,
    IReadOnlyList<string> Failed)
{
    /// <summary>The state row's ETag after this activity's writes (null: unknown), for the next record.</summary>
    public string? StateETag { get; init; }

    /// <summary>The listing row's ETag after this activity's writes (null: unknown), for the next record.</summary>
    public string? ListingETag { get; init; }
}

/// <summary>The orchestration's custom status: what a Durable Functions monitor shows, small (the backend caps it at 16 KB).</summary>
public sealed record TicketStatusView(
    string State,
    long Version,
    string? Deadline,
    DateTimeOffset? LapsesAt,
    bool Paused,
    bool NeedsReview,
    int PendingWork,
    int Generation,
    IReadOnlyList<string> RecentCommands);

/// <summary>
/// Domain types on the wire, whatever serializer the host uses (the Functions worker's or ours): the domain carries no
/// serialization attributes, so its closed hierarchies are written with <see cref="TicketJson.Storage"/>.
/// </summary>
public sealed class DomainJsonConverter<T> : JsonConverter<T>
{
    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<T>(ref reader, TicketJson.Storage);

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, TicketJson.Storage);
}
