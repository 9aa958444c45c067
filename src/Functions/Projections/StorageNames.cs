using System.Globalization;
using System.Text;
using Azure.Data.Tables;

namespace UrgeShipment.Functions.Projections;

/// <summary>
/// Names of UrgeShipment's own tables, prefixed with the task hub name (host.json <c>extensions.durableTask.hubName</c>),
/// so one storage account holds several apps side by side, as Durable Functions' own tables do.
/// </summary>
public sealed record StorageNames(string Hub)
{
    /// <summary>Table names: letters and digits, starting with a letter (DTF's hub names are the same or stricter).</summary>
    public string Prefix { get; } = new([.. Hub.Where(char.IsAsciiLetterOrDigit)]);

    public string TicketsTable => Prefix + "Tickets";

    public string WebhooksTable => Prefix + "Webhooks";

    public string SettingsTable => Prefix + "Settings";

    public string TicketIndexTable => Prefix + "TicketIndex";

    public string LedgerTable => Prefix + "Ledger";

    public string OutboxTable => Prefix + "Outbox";

    public string RemindersTable => Prefix + "Reminders";
}

/// <summary>Table keys may not hold / \ # ? or control characters: escape them reversibly (~XX hex), and ~ itself.</summary>
public static class Keys
{
    public static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?' or '~' || char.IsControl(c))
            {
                escaped.Append('~').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }
        return escaped.ToString();
    }
}

/// <summary>Long text in a table row: a string property holds at most 64 KiB (32 K UTF-16 characters), so split it.</summary>
public static class LongText
{
    private const int ChunkChars = 30_000;

    public static void Set(TableEntity row, string name, string text)
    {
        var chunks = text.Chunk(ChunkChars).Select(c => new string(c)).ToList();
        row[name + "Chunks"] = chunks.Count;
        for (var i = 0; i < chunks.Count; i++)
        {
            row[name + i.ToString(CultureInfo.InvariantCulture)] = chunks[i];
        }
    }

    public static string Get(TableEntity row, string name)
    {
        var count = row.GetInt32(name + "Chunks") ?? 0;
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(row.GetString(name + i.ToString(CultureInfo.InvariantCulture)));
        }
        return text.ToString();
    }
}
