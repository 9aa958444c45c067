using System.Security.Cryptography;
using System.Text;

namespace UrgeShipment.Functions.Tickets;

/// <summary>
/// One ticket per (marketplace, order): the ticket id is derived from both, so every event about an
/// order reaches the same durable instance without a lookup, and ids are URL-safe whatever the order id holds.
/// </summary>
public static class TicketIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private static readonly System.Buffers.SearchValues<char> AlphabetValues = System.Buffers.SearchValues.Create(Alphabet);

    public static string For(string marketplace, string orderId)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(marketplace + "\n" + orderId));
        var id = new StringBuilder("t", 27);
        int buffer = 0, bits = 0;
        foreach (var b in digest.AsSpan(0, 16))
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                id.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return id.ToString();
    }

    public static bool IsWellFormed(string ticketId) =>
        ticketId.Length == 26 && ticketId[0] == 't' && ticketId.AsSpan(1).IndexOfAnyExcept(AlphabetValues) < 0;
}
