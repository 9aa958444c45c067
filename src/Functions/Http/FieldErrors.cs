using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using UrgeShipment.Domain;

namespace UrgeShipment.Functions.Http;

/// <summary>
/// Reads a JSON body field by field and collects one message per bad field (named by its JSON path),
/// so a problem response can name every field at once. Nothing is thrown for input.
/// </summary>
public sealed partial class FieldErrors
{
    private const decimal MaxAmount = 100_000_000m;

    /// <summary>The sane range of every instant a request may carry: deadlines computed from it (days or weeks later) never overflow.</summary>
    private static readonly DateTimeOffset EarliestInstant = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LatestInstant = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public IDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
    }

    public static string Path(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Read like every other field reader: errors.Optional(...).")]
    public JsonElement? Optional(JsonElement obj, string parent, string name)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
        {
            return value;
        }
        return null;
    }

    public JsonElement? Required(JsonElement obj, string parent, string name)
    {
        var value = Optional(obj, parent, name);
        if (value is null)
        {
            Add(Path(parent, name), "is required.");
        }
        return value;
    }

    public JsonElement? RequiredObject(JsonElement obj, string parent, string name)
    {
        var value = Required(obj, parent, name);
        if (value is { } v && v.ValueKind != JsonValueKind.Object)
        {
            Add(Path(parent, name), "must be an object.");
            return null;
        }
        return value;
    }

    public string? Text(JsonElement obj, string parent, string name, bool required = true, int maxLength = 128)
    {
        var value = required ? Required(obj, parent, name) : Optional(obj, parent, name);
        if (value is not { } v)
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.String)
        {
            Add(Path(parent, name), "must be a string.");
            return null;
        }
        var text = v.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            Add(Path(parent, name), "must not be empty.");
            return null;
        }
        if (text.Length > maxLength)
        {
            Add(Path(parent, name), $"must be at most {maxLength} characters.");
            return null;
        }
        if (text.Any(char.IsControl))
        {
            Add(Path(parent, name), "must not contain control characters.");
            return null;
        }
        return text;
    }

    public bool? Boolean(JsonElement obj, string parent, string name, bool required)
    {
        var value = required ? Required(obj, parent, name) : Optional(obj, parent, name);
        if (value is not { } v)
        {
            return null;
        }
        if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Add(Path(parent, name), "must be true or false.");
            return null;
        }
        return v.GetBoolean();
    }

    /// <summary>An instant: ISO-8601 with an explicit offset (Z or ±hh:mm); a local time without offset is ambiguous and refused.</summary>
    public DateTimeOffset? Instant(JsonElement obj, string parent, string name, bool required = true)
    {
        var value = required ? Required(obj, parent, name) : Optional(obj, parent, name);
        if (value is not { } v)
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.String && OffsetSuffix().IsMatch(v.GetString()!) && v.TryGetDateTimeOffset(out var at))
        {
            if (at < EarliestInstant || at >= LatestInstant)
            {
                Add(Path(parent, name), "must lie between 2000-01-01 and 2100-01-01 (UTC).");
                return null;
            }
            return at;
        }
        Add(Path(parent, name), "must be an ISO-8601 time with an offset, e.g. 2026-11-23T10:00:00+08:00.");
        return null;
    }

    /// <summary>Money: a string (or number) with at most two decimals, positive, below an absurd bound.</summary>
    public Money? Amount(JsonElement obj, string parent, string name, bool required = true, bool allowZero = false)
    {
        var value = required ? Required(obj, parent, name) : Optional(obj, parent, name);
        if (value is not { } v)
        {
            return null;
        }
        decimal amount;
        if (v.ValueKind == JsonValueKind.String && Money.TryParseDecimal(v.GetString(), out var parsed))
        {
            amount = parsed;
        }
        else if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var number))
        {
            amount = number;
        }
        else
        {
            Add(Path(parent, name), "must be an amount like \"199.00\".");
            return null;
        }
        if (amount < 0 || (amount == 0 && !allowZero))
        {
            Add(Path(parent, name), allowZero ? "must not be negative." : "must be greater than zero.");
            return null;
        }
        if (amount > MaxAmount)
        {
            Add(Path(parent, name), $"must be at most {MaxAmount.ToString("0.00", CultureInfo.InvariantCulture)}.");
            return null;
        }
        if (Money.Exact(amount) is not { } exact)
        {
            Add(Path(parent, name), "must have at most two decimals (fen).");
            return null;
        }
        return exact;
    }

    /// <summary>One of <typeparamref name="T"/>'s wire names (<see cref="WireNames"/>), or null with the field named.</summary>
    public T? Enum<T>(JsonElement obj, string parent, string name, bool required = true)
        where T : struct, System.Enum =>
        WireNames.TryParseWire<T>(Choice(obj, parent, name, WireNames.Names<T>(), required), out var value) ? value : null;

    /// <summary>One of <paramref name="allowed"/> (exact, case-sensitive), or null with the field named.</summary>
    public string? Choice(JsonElement obj, string parent, string name, IEnumerable<string> allowed, bool required = true)
    {
        var text = Text(obj, parent, name, required, maxLength: 64);
        if (text is null)
        {
            return null;
        }
        if (allowed.Contains(text))
        {
            return text;
        }
        Add(Path(parent, name), $"must be one of: {string.Join(", ", allowed)}.");
        return null;
    }

    /// <summary>Order lines: a non-empty array of { sku, qty } with distinct SKUs and quantities 1..100000.</summary>
    public IReadOnlyList<OrderLine>? Lines(JsonElement obj, string parent, string name, bool required = true, bool allowEmpty = false)
    {
        var value = required ? Required(obj, parent, name) : Optional(obj, parent, name);
        if (value is not { } v)
        {
            return null;
        }
        var path = Path(parent, name);
        if (v.ValueKind != JsonValueKind.Array)
        {
            Add(path, "must be an array of { sku, qty }.");
            return null;
        }
        if (v.GetArrayLength() == 0 && !allowEmpty)
        {
            Add(path, "must not be empty.");
            return null;
        }
        if (v.GetArrayLength() > 500)
        {
            Add(path, "must have at most 500 lines.");
            return null;
        }
        var lines = new List<OrderLine>();
        var ok = true;
        var index = 0;
        foreach (var item in v.EnumerateArray())
        {
            var itemPath = $"{path}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                Add(itemPath, "must be an object { sku, qty }.");
                ok = false;
                continue;
            }
            var sku =Text(item, itemPath, "sku", maxLength: 64);
            var qtyElement = Required(item, itemPath, "qty");
            int qty = 0;
            if (qtyElement is { } q && !(q.ValueKind == JsonValueKind.Number && q.TryGetInt32(out qty) && qty is >= 1 and <= 100_000))
            {
                Add(Path(itemPath, "qty"), "must be a whole number from 1 to 100000.");
                ok = false;
            }
            if (sku is null || qtyElement is null)
            {
                ok = false;
                continue;
            }
            if (lines.Any(l => l.Sku == sku))
            {
                Add(Path(itemPath, "sku"), "appears twice; give each SKU once.");
                ok = false;
                continue;
            }
            lines.Add(new OrderLine(sku, qty));
        }
        return ok ? lines : null;
    }

    [GeneratedRegex(@"(Z|z|[+-]\d\d:?\d\d)$")]
    private static partial Regex OffsetSuffix();
}
