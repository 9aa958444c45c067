namespace UrgeShipment.Domain;

/// <summary>A compensation formula: <see cref="Rate"/> of the amount paid, rounded to the fen, then clamped to [<see cref="Minimum"/>, <see cref="Maximum"/>].</summary>
public sealed record CompensationScale(decimal Rate, Money Minimum, Money Maximum)
{
    /// <summary>rate × paid, rounded to the fen (AwayFromZero), then clamped. The minimum applies even above the paid amount (as written).</summary>
    public Money Apply(Money paid) => paid.Times(Rate).Clamp(Minimum, Maximum);
}
