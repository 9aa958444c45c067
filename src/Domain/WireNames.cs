using System.Text.Json;

namespace UrgeShipment.Domain;

/// <summary>
/// Names on the wire (API.md): every enum member's name in <see cref="JsonNamingPolicy.SnakeCaseLower"/>
/// (<c>AwaitingSellerReply</c> → <c>awaiting_seller_reply</c>), the same policy the JSON views serialize enums with.
/// </summary>
public static class WireNames
{
    /// <summary>The policy every wire name comes from.</summary>
    public static JsonNamingPolicy Policy { get; } = JsonNamingPolicy.SnakeCaseLower;

    public static string WireName<TEnum>(this TEnum value)
        where TEnum : struct, Enum =>
        Cache<TEnum>.ByValue.TryGetValue(value, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(value), value, null);

    /// <summary>Every wire name of <typeparamref name="TEnum"/>, in declaration order.</summary>
    public static IReadOnlyList<string> Names<TEnum>()
        where TEnum : struct, Enum => Cache<TEnum>.Names;

    /// <summary>Strict: exactly one of <see cref="Names{TEnum}"/> (case-sensitive; no member name, no number).</summary>
    public static bool TryParseWire<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum => Cache<TEnum>.ByName.TryGetValue(text ?? "", out value);

    /// <summary>
    /// A compensation's status on the wire (API.md): <c>pending</c>, <c>settled</c>, <c>failed</c>, <c>reversed</c> (appeal upheld
    /// before settlement) or <c>cancelled</c> (an operator cancelled it before settlement).
    /// </summary>
    public static string WireStatus(this Compensation compensation) =>
        compensation.ReversedAt is not null && compensation.Status != WorkStatus.Done
            ? "reversed"
            : compensation.CancelledAt is not null && compensation.Status != WorkStatus.Done
            ? "cancelled"
            : compensation.Status == WorkStatus.Done ? "settled" : compensation.Status.WireName();

    private static class Cache<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly IReadOnlyList<string> Names = [.. Enum.GetNames<TEnum>().Select(Policy.ConvertName)];

        public static readonly Dictionary<TEnum, string> ByValue = Enum.GetValues<TEnum>().Zip(Names).ToDictionary(p => p.First, p => p.Second);

        public static readonly Dictionary<string, TEnum> ByName = ByValue.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }
}
