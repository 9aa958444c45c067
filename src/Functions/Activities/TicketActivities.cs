namespace UrgeShipment.Functions.Activities;

/// <summary>
/// The activity functions a ticket's orchestration calls, one per effect. Each is idempotent by the key it is given
/// (<c>{ticketId}:{work item}</c>) and throws on failure, so the orchestration's retry policy retries it.
/// </summary>
public static class TicketActivities
{
    /// <summary>Writes a transition to the ticket table, the listing and the ledger (<see cref="TicketRecording"/>).</summary>
    public const string RecordTicket = nameof(RecordTicket);

    /// <summary>Pays a compensation and writes it to the shop ledger, the book of record (<see cref="CompensationSettlement"/>).</summary>
    public const string SettleCompensation = nameof(SettleCompensation);

    /// <summary>Sends a buyer chat card or seller notice (<see cref="NoticeDelivery"/>).</summary>
    public const string DeliverNotice = nameof(DeliverNotice);

    /// <summary>Files the complaint on the buyer's behalf with the platform (<see cref="ComplaintFiling"/>).</summary>
    public const string FileComplaint = nameof(FileComplaint);
}
