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
/// Idempotent: a retry rewrites the same rows.
/// </summary>
public sealed class TicketRecording(TicketTable tickets, TicketIndex index, ShopLedger ledger, CommandResults results)
{
    private static readonly Meter Meter = new(Telemetry.MeterName);
    private static readonly Histogram<double> Lateness = Meter.CreateHistogram(
        Telemetry.DeadlineLapseLateness, "s", "Business time at which a deadline lapsed minus its lapse time (due + grace); never negative.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Telemetry.LatenessBuckets });

    [Function(TicketActivities.RecordTicket)]
    public async Task RecordTicket([ActivityTrigger] TicketRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!await tickets.WriteAsync(record, cancellationToken))
        {
            return; // a late copy of an older transition: the newer one has written everything, projections included
        }
        if (record.State.HasTicket)
        {
            if (record.UpdateListing)
            {
                await index.ProjectAsync(record.TicketId, record.Version, record.State, cancellationToken);
            }
            await ledger.ProjectAsync(record.TicketId, record.State, cancellationToken);
        }
        foreach (var lapse in record.Events.Select(e => e.Event).OfType<DeadlineLapsed>())
        {
            var grace = record.State.Policy?.LapseGrace ?? TimeSpan.Zero;
            Lateness.Record((lapse.At - (lapse.DueAt + grace)).TotalSeconds, new KeyValuePair<string, object?>("deadline", lapse.Kind.WireName()));
        }
        results.Published(record.TicketId, record.Results);
    }
}
