using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Xml;

namespace UrgeShipment.Domain;

/// <summary>
/// A policy supplied as data, read by System.Text.Json straight into <see cref="MarketplacePolicy"/>: its <c>required</c>
/// members are the file's mandatory fields, its initializers the defaults. camelCase names, no unknown field; each
/// value's format (durations, amounts, rates, choices) is one converter here; a bad field is named by its JSON path.
/// </summary>
internal static class PolicyFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { FileNames } },
        Converters =
        {
            new Text(),
            new Field<bool>("must be true or false", r => r.TokenType is JsonTokenType.True or JsonTokenType.False ? r.GetBoolean() : null),
            new Field<int>("must be a whole number ≥ 0", r => r.TokenType == JsonTokenType.Number && r.TryGetInt32(out var n) && n >= 0 ? n : null),
            new Field<decimal>("must be a number between 0 and 1", r => r.TokenType == JsonTokenType.Number && r.TryGetDecimal(out var d) && d is >= 0m and <= 1m ? d : null),
            new Field<Money>("must be an amount ≥ 0 with at most two decimals, e.g. \"5.00\"", r => r.TokenType switch
            {
                JsonTokenType.String => Money.TryParse(r.GetString()),
                JsonTokenType.Number when r.TryGetDecimal(out var d) => Money.Exact(d),
                _ => null,
            }),
            new Field<DateTimeOffset>("must be an ISO-8601 instant with offset, e.g. \"2025-01-01T00:00:00+08:00\"", r =>
                r.TokenType == JsonTokenType.String && r.GetString() is { } s && s.Contains('T', StringComparison.Ordinal)
                && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null),
            Choice([("compensate", Consequence.Compensate), ("escalate", Consequence.Escalate)]),
            Choice([("opened", AfterSaleCompletion.OnOpened), ("refund_completed", AfterSaleCompletion.OnRefundCompleted)]),
            new Duration(allowZero: false),
        },
    };

    /// <summary>Durations that may be zero (no grace, no skew, closing at completion).</summary>
    private static readonly HashSet<string> ZeroAllowed = new(StringComparer.Ordinal) { "lapseGrace", "maxFutureSkew", "acceptEventsAfterCompletion" };

    public static PolicyParseResult Read(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            return Bad("$", $"not JSON ({ex.Message})");
        }

        if (root is not JsonObject file)
        {
            return Bad("$", "must be a JSON object");
        }

        string? missing = null;
        if (Shape(file, Options.GetTypeInfo(typeof(MarketplacePolicy)), "", ref missing) is { } bad)
        {
            return Bad(bad.Field, bad.Problem);
        }

        MarketplacePolicy policy;
        try
        {
            policy = file.Deserialize<MarketplacePolicy>(Options)!;
        }
        catch (Refused ex) when (ex.Path is { Length: > 2 } path)
        {
            return Bad(path[2..], ex.Message);
        }
        catch (JsonException) when (missing is not null)
        {
            return Bad(missing, "is required"); // the serializer reads every value before it misses a required member
        }
        catch (JsonException ex) when (ex.Path is { Length: > 2 } path)
        {
            return Bad(path[2..], ex.Message);
        }

        foreach (var (field, scale) in new[] { ("autoCompensation", policy.AutoCompensation), ("complaintCompensation", policy.ComplaintCompensation) })
        {
            if (scale.Minimum > scale.Maximum)
            {
                return Bad($"{field}.min", "must not be above max");
            }
        }

        return new PolicyParseResult(policy, null, null);
    }

    private static PolicyParseResult Bad(string field, string problem) => new(null, field, problem);

    /// <summary>
    /// What the contract's metadata says of the object before any value is read: the first unknown field, or a value
    /// that is not the object or array its member needs; and in <paramref name="missing"/> the first <c>required</c>
    /// member not given (null counts as not given; an optional null is dropped, so its default applies).
    /// </summary>
    private static (string Field, string Problem)? Shape(JsonObject obj, JsonTypeInfo info, string parent, ref string? missing)
    {
        var members = info.Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var (name, value) in obj.ToList())
        {
            if (!members.ContainsKey(name))
            {
                return (parent + name, parent.Length == 0 ? "is not a policy field" : "is not a field of the scale");
            }

            if (value is null)
            {
                obj.Remove(name);
            }
        }

        foreach (var member in members.Values)
        {
            var field = parent + member.Name;
            if (!obj.TryGetPropertyValue(member.Name, out var value))
            {
                if (member.IsRequired || member.AssociatedParameter is { HasDefaultValue: false })
                {
                    missing ??= field;
                }
            }
            else if (member.PropertyType == typeof(CompensationScale))
            {
                if (value is not JsonObject scale)
                {
                    return (field, "must be an object { rate, min, max }");
                }

                if (Shape(scale, Options.GetTypeInfo(typeof(CompensationScale)), field + ".", ref missing) is { } inner)
                {
                    return inner;
                }
            }
            else if (member.PropertyType == typeof(IReadOnlyList<TimeSpan>) && value is not JsonArray)
            {
                return (field, "must be an array of durations");
            }
        }

        return null;
    }

    /// <summary>The file's names: camelCase, and a scale's bounds are <c>min</c> and <c>max</c>; a few durations may be zero; the offset is not a duration.</summary>
    private static void FileNames(JsonTypeInfo info)
    {
        foreach (var member in info.Properties)
        {
            if (info.Type == typeof(CompensationScale))
            {
                member.Name = member.Name switch { "minimum" => "min", "maximum" => "max", var name => name };
            }
            else if (info.Type == typeof(MarketplacePolicy) && member.Name == "localUtcOffset")
            {
                member.CustomConverter = new Field<TimeSpan>("must be a UTC offset, e.g. \"+08:00\"", r =>
                    r.TokenType == JsonTokenType.String
                    && DateTimeOffset.TryParse($"2000-01-01T00:00:00{r.GetString()}", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at.Offset : null);
            }
            else if (info.Type == typeof(MarketplacePolicy) && ZeroAllowed.Contains(member.Name))
            {
                member.CustomConverter = new Duration(allowZero: true);
            }
        }
    }

    private static Field<T> Choice<T>((string Wire, T Value)[] choices)
        where T : struct =>
        new($"must be one of {string.Join(", ", choices.Select(c => $"\"{c.Wire}\""))}", r =>
        {
            var text = r.TokenType == JsonTokenType.String ? r.GetString() : null;
            return choices.FirstOrDefault(c => string.Equals(c.Wire, text, StringComparison.Ordinal)) is { Wire: not null } match ? match.Value : null;
        });

    /// <summary>A value a converter here refused; the serializer adds its path.</summary>
    private sealed class Refused(string problem) : JsonException(problem);

    /// <summary>One value format: <c>read</c> gives the value, or null and the field is refused with <c>problem</c>.</summary>
    private sealed class Field<T>(string problem, Func<Utf8JsonReader, T?> read) : JsonConverter<T>
        where T : struct
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => read(reader) ?? throw new Refused(problem);

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => throw new NotSupportedException("Policy files are read, never written.");
    }

    private sealed class Text : JsonConverter<string>
    {
        public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && reader.GetString() is { } text && !string.IsNullOrWhiteSpace(text)
                ? text.Trim()
                : throw new Refused("must be a non-empty string");

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => throw new NotSupportedException("Policy files are read, never written.");
    }

    /// <summary>ISO-8601 (<c>"PT24H"</c>) or <c>"d.hh:mm:ss"</c>; positive, or not negative where zero is allowed.</summary>
    private sealed class Duration(bool allowZero) : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            TimeSpan duration;
            if (text is null)
            {
                throw new Refused("must be a duration string, e.g. \"PT24H\" or \"1.00:00:00\"");
            }

            if (text.StartsWith('P'))
            {
                try
                {
                    duration = XmlConvert.ToTimeSpan(text);
                }
                catch (FormatException)
                {
                    throw new Refused($"'{text}' is not an ISO-8601 duration");
                }
                catch (OverflowException)
                {
                    throw new Refused($"'{text}' is out of range");
                }
            }
            else if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration))
            {
                throw new Refused($"'{text}' is not a duration (ISO-8601 \"PT24H\" or \"d.hh:mm:ss\")");
            }

            return duration < TimeSpan.Zero || (!allowZero && duration == TimeSpan.Zero)
                ? throw new Refused(allowZero ? "must not be negative" : "must be positive")
                : duration;
        }

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) => throw new NotSupportedException("Policy files are read, never written.");
    }
}
