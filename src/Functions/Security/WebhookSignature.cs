using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace UrgeShipment.Functions.Security;

/// <summary>
/// <c>X-Signature: sha256=&lt;hex HMAC-SHA256(secret, "{X-Timestamp}.{raw body}")&gt;</c>, compared in constant time.
/// There is deliberately no way to switch verification off.
/// </summary>
public static class WebhookSignature
{
    public const string Prefix = "sha256=";

    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(Compute(secret, timestamp, body));

    public static bool Verify(string secret, string timestamp, ReadOnlySpan<byte> body, string? signature)
    {
        if (signature is null || !signature.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        byte[] presented;
        try
        {
            presented = Convert.FromHexString(signature.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return false; // not hex: simply not a valid signature
        }
        return CryptographicOperations.FixedTimeEquals(presented, Compute(secret, timestamp, body));
    }

    /// <summary>Unix seconds within <paramref name="window"/> of <paramref name="now"/>.</summary>
    public static bool IsFresh(string? timestamp, DateTimeOffset now, TimeSpan window) =>
        long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && seconds < 253402300799
        && (DateTimeOffset.FromUnixTimeSeconds(seconds) - now).Duration() <= window;

    private static byte[] Compute(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }
}
