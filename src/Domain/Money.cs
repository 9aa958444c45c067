using System.Globalization;

namespace UrgeShipment.Domain;

/// <summary>An amount of CNY. Rounding to the fen happens in <see cref="Round"/> and nowhere else.</summary>
public readonly record struct Money(decimal Amount) : IComparable<Money>
{
    /// <summary>The currency every amount is in.</summary>
    public const string Currency = "CNY";

    public static Money Zero => default;

    /// <summary>An amount rounded to the fen.</summary>
    public static Money Of(decimal amount) => new Money(amount).Round();

    /// <summary>Rounds to the fen (0.01) with <see cref="MidpointRounding.AwayFromZero"/>: the one rounding rule.</summary>
    public Money Round() => new(Math.Round(Amount, 2, MidpointRounding.AwayFromZero));

    /// <summary>This amount, but no less than <paramref name="minimum"/> and no more than <paramref name="maximum"/>.</summary>
    public Money Clamp(Money minimum, Money maximum) =>
        minimum > maximum
            ? throw new ArgumentException($"minimum {minimum} is above maximum {maximum}", nameof(minimum))
            : new(Math.Clamp(Amount, minimum.Amount, maximum.Amount));

    /// <summary>This amount times a rate, rounded to the fen.</summary>
    public Money Times(decimal rate) => new Money(Amount * rate).Round();

    public bool IsZero => Amount == 0m;

    public bool IsNegative => Amount < 0m;

    public static Money Max(Money left, Money right) => left >= right ? left : right;

    public static Money Min(Money left, Money right) => left <= right ? left : right;

    public static Money operator +(Money left, Money right) => new(left.Amount + right.Amount);

    public static Money operator -(Money left, Money right) => new(left.Amount - right.Amount);

    public static Money Add(Money left, Money right) => left + right;

    public static Money Subtract(Money left, Money right) => left - right;

    public static bool operator <(Money left, Money right) => left.Amount < right.Amount;

    public static bool operator >(Money left, Money right) => left.Amount > right.Amount;

    public static bool operator <=(Money left, Money right) => left.Amount <= right.Amount;

    public static bool operator >=(Money left, Money right) => left.Amount >= right.Amount;

    public int CompareTo(Money other) => Amount.CompareTo(other.Amount);

    /// <summary>Two decimals, invariant culture: <c>"199.00"</c>.</summary>
    public override string ToString() => Round().Amount.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>
    /// The one parser of amounts as text (requests, webhooks, policy files, stored rows): digits with at most one
    /// decimal point, invariant, e.g. <c>"199.00"</c>: no sign, exponent, spaces or separators. The value may still be
    /// finer than the fen: <see cref="Exact"/> decides whether it is an amount.
    /// </summary>
    public static bool TryParseDecimal(string? text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);

    /// <summary>An amount as given (text parsed by <see cref="TryParseDecimal"/>, or a JSON number): ≥ 0 and exact to the fen, else null.</summary>
    public static Money? Exact(decimal value) => value >= 0m && value == Math.Round(value, 2) ? new Money(value) : null;

    /// <summary>Parses <c>"199.00"</c> (<see cref="TryParseDecimal"/>, then <see cref="Exact"/>); null when it is not an amount.</summary>
    public static Money? TryParse(string? text) => TryParseDecimal(text, out var value) ? Exact(value) : null;
}
