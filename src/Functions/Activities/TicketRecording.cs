using System.Diagnostics.Metrics;
using Microsoft.Azure.Functions.Worker;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Functions.Projections;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Activities;

/// <summary>
/// Writes a ticket's transition where the HTTP functions read it: the ticket table (state, history, command results),
/// the listing row, and pending ledger rows; then wakes the HTTP requests in this process waiting for those results.
/// Then it tries the transition's effects (<see cref="TicketRecord.Work"/>) in turn, each as its own activity would, and
/// records the facts of those that succeeded as the orchestration would have: one activity per transition.
/// Idempotent: a retry rewrites the same rows, and every effect is idempotent by its key.
/// </summary>
public sealed partial class TicketRecording(TicketTable tickets, TicketIndex index, ShopLedger ledger, CommandResults results,
    CompensationSettlement settlement, NoticeDelivery notices, ComplaintFiling complaints, TimeProvider clock, ILogger<TicketRecording> logger)
{
    private static readonly Meter Meter = new(Telemetry.MeterName);
    private static readonly Histogram<double> Lateness = Meter.CreateHistogram(
        Telemetry.DeadlineLapseLateness, "s", "Business time at which a deadline lapsed minus its lapse time (due + grace); never negative.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Telemetry.LatenessBuckets });

    [Function(TicketActivities.RecordTicket)]
    public async Task<RecordOutcome?> RecordTicket([ActivityTrigger] TicketRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var (written, stateETag, listingETag) = await WriteAsync(record, record.StateETag is { } known ? new Azure.ETag(known) : null, record.ListingETag, cancellationToken);
        if (!written)
        {
            return null; // a late copy of an older transition: the newer one has written everything, projections included
        }
        foreach (var lapse in record.Events.Select(e => e.Event).OfType<DeadlineLapsed>())
        {
            var grace = record.State.Policy?.LapseGrace ?? TimeSpan.Zero;
            Lateness.Record((lapse.At - (lapse.DueAt + grace)).TotalSeconds, new KeyValuePair<string, object?>("deadline", lapse.Kind.WireName()));
        }
        results.Published(record.TicketId, record.Results);
        return record.Work.Count == 0
            ? new RecordOutcome(record.Version, record.State, [], null, []) { StateETag = stateETag?.ToString(), ListingETag = listingETag }
            : await PerformAsync(record, stateETag, listingETag, cancellationToken);
    }

    /// <summary>The ticket table, then the listing row (when it changed) and the ledger; the rows' ETags as written (null: unknown).</summary>
    private async Task<(bool Written, Azure.ETag? StateETag, string? ListingETag)> WriteAsync(
        TicketRecord record, Azure.ETag? stateETag, string? listingETag, CancellationToken ct)
    {
        var (written, etag) = await tickets.WriteAsync(record, stateETag, ct);
        if (!written)
        {
            return (false, null, null);
        }
        if (record.State.HasTicket)
        {
            if (record.UpdateListing)
            {
                listingETag = await index.ProjectAsync(record.TicketId, record.Version, record.State, listingETag, ct);
            }
            await ledger.ProjectAsync(record.TicketId, record.State, ct);
        }
        return (true, etag, listingETag);
    }

    /// <summary>Each effect once, in order; the facts of those that succeeded are decided and written as one more record.</summary>
    private async Task<RecordOutcome> PerformAsync(TicketRecord record, Azure.ETag? stateETag, string? listingETag, CancellationToken ct)
    {
        var state = record.State;
        var version = record.Version;
        var events = new List<RecordedEvent>();
        var failed = new List<string>();
        foreach (var work in record.Work)
        {
            try
            {
                switch (work.Kind)
                {
                    case WorkKind.SettleCompensation:
                        await settlement.SettleCompensation(work.Settlement!, ct);
                        break;
                    case WorkKind.DeliverNotice:
                        await notices.DeliverNotice(work.Notice!, ct);
                        break;
                    case WorkKind.FileComplaint:
                        await complaints.FileComplaint(work.Complaint!, ct);
                        break;
                    default:
                        throw new InvalidOperationException($"Unknown work kind {work.Kind}.");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Not a fact yet: the orchestration runs this effect through its own activity and retry policy.
                LogEffectFailed(logger, record.TicketId, work.Key, e);
                failed.Add(work.Key);
                continue;
            }
            var now = clock.GetUtcNow();
            TicketCommand done = work.Kind switch
            {
                WorkKind.SettleCompensation => new RecordCompensationSettled(work.Key, now),
                WorkKind.DeliverNotice => new RecordNoticeDelivered(work.Key, now),
                _ => new RecordComplaintSubmitted(work.Key, now),
            };
            if (TicketDecider.Decide(state, done) is Decision.Accepted accepted)
            {
                foreach (var change in accepted.Events)
                {
                    state = TicketDecider.Evolve(state, change);
                    version++;
                    events.Add(new RecordedEvent(version, now, "work:" + work.Key, change));
                }
            }
        }
        var listed = TicketIndex.Fingerprint(record.TicketId, state);
        if (events.Count > 0)
        {
            var facts = new TicketRecord(record.TicketId, version, state, events, [],
                UpdateListing: listed != TicketIndex.Fingerprint(record.TicketId, record.State));
            (_, stateETag, listingETag) = await WriteAsync(facts, stateETag, listingETag, ct); // conditional on the rows as written above: no read
        }
        return new RecordOutcome(version, state, events, listed, failed) { StateETag = stateETag?.ToString(), ListingETag = listingETag };
    }

    [LoggerMessage(LogLevel.Warning, "Ticket {TicketId}: effect {Work} failed within its transition; it is retried through its own activity.")]
    private static partial void LogEffectFailed(ILogger logger, string ticketId, string work, Exception exception);
}
