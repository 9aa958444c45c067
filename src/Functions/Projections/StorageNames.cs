using System.Globalization;
using System.Text;

namespace UrgeShipment.Functions.Projections;

/// <summary>Names of the host's own tables (the runtime names its own from the same hub name).</summary>
public sealed record StorageNames(string Hub)
{
    public string TicketIndexTable => Hub + "TicketIndex";

    public string LedgerTable => Hub + "Ledger";

    public string OutboxTable => Hub + "Outbox";

    public string RemindersTable => Hub + "Reminders";
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
