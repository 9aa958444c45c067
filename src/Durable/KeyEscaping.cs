using System.Globalization;
using System.Text;

namespace UrgeShipment.Durable;

/// <summary>
/// Reversible escaping of arbitrary ids into Azure Table keys: the characters keys forbid
/// (<c>/ \ # ?</c>, U+0000–U+001F, U+007F–U+009F) plus <c>%</c> (the escape itself) and <c>|</c> (our separator)
/// become <c>%XX</c>. Everything else passes through, so ordinary ids stay readable.
/// </summary>
public static class KeyEscaping
{
    /// <summary>Azure Table keys are at most 1 KiB.</summary>
    public const int MaxKeyLength = 1024;

    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        StringBuilder? builder = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (MustEscape(c))
            {
                builder ??= new StringBuilder(value.Length + 8).Append(value, 0, i);
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder?.Append(c);
            }
        }

        return builder?.ToString() ?? value;
    }

    public static string Unescape(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.Contains('%', StringComparison.Ordinal))
        {
            return key;
        }

        var builder = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == '%' && i + 2 < key.Length)
            {
                builder.Append((char)int.Parse(key.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else if (key[i] == '%')
            {
                throw new FormatException($"Malformed escaped key '{key}'.");
            }
            else
            {
                builder.Append(key[i]);
            }
        }

        return builder.ToString();
    }

    /// <summary>The escaped id, checked against the key limits (non-empty, at most <see cref="MaxKeyLength"/>).</summary>
    internal static string ToKey(string id, string what)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new ArgumentException($"The {what} must not be empty.", what);
        }

        var key = Escape(id);
        if (key.Length > MaxKeyLength - 64)
        {
            throw new ArgumentException($"The {what} is too long for a storage key ({key.Length} characters escaped).", what);
        }

        return key;
    }

    private static bool MustEscape(char c) =>
        c is '/' or '\\' or '#' or '?' or '%' or '|' or (>= '\u0000' and <= '\u001F') or (>= '\u007F' and <= '\u009F');
}
