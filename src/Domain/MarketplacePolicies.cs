namespace UrgeShipment.Domain;

/// <summary>The policies we ship, resolution by effective date, and policies supplied as data.</summary>
public static class MarketplacePolicies
{
    public const string Xiaohongshu = "xiaohongshu";
    public const string Taobao = "taobao";
    public const string Tmall = "tmall";
    public const string Pinduoduo = "pinduoduo";

    /// <summary>When the built-in versions take effect (the 2022 sources).</summary>
    public static readonly DateTimeOffset BuiltInEffectiveFrom = new(2022, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));

    /// <summary>
    /// EffectiveFrom of a shipped but not scheduled version: never resolved until an operator supplies a copy
    /// with a real date (<c>policy with { EffectiveFrom = … }</c>) as an extra policy.
    /// </summary>
    public static readonly DateTimeOffset NotScheduled = DateTimeOffset.MaxValue;

    /// <summary>XHS-2024 auto-compensation: 5% of the amount paid, at least ¥5, at most ¥100.</summary>
    public static readonly CompensationScale Xhs2024Auto = new(0.05m, Money.Of(5m), Money.Of(100m));

    /// <summary>XHS-2024 complaint compensation: 30% of the amount paid, at least ¥5, at most ¥100.</summary>
    public static readonly CompensationScale Xhs2024Complaint = new(0.30m, Money.Of(5m), Money.Of(100m));

    /// <summary>XHS-DELAY auto-compensation: 5%, at least ¥1, at most ¥30.</summary>
    public static readonly CompensationScale XhsDelayAuto = new(0.05m, Money.Of(1m), Money.Of(30m));

    /// <summary>xiaohongshu, XHS-2024: the default version.</summary>
    public static readonly MarketplacePolicy Xhs2024 = new()
    {
        Marketplace = Xiaohongshu,
        Version = "XHS-2024",
        EffectiveFrom = BuiltInEffectiveFrom,
        ReplyWindow = TimeSpan.FromHours(24),
        BuyerConfirmationWindow = TimeSpan.FromHours(24),
        MaxDelay = TimeSpan.FromDays(5),
        DefaultShipWindow = TimeSpan.FromHours(48),
        AfterSaleCompletion = AfterSaleCompletion.OnOpened,
        ReplyLapse = Consequence.Compensate,
        ShipByLapse = Consequence.Compensate,
        PlanRejection = Consequence.Compensate,
        CannotShip = Consequence.Compensate,
        ExcludeCustomCategory = false,
        ExcludeVirtualCategory = false,
        ExcludePresale = false,
        HonourExemptRegion = false,
        AutoCompensation = Xhs2024Auto,
        ComplaintCompensation = Xhs2024Complaint,
        ComplaintNetOfAutoCompensation = true,
        ComplaintAppliesAfterCompletion = true,
        FileComplaintOnEscalation = false,
    };

    /// <summary>xiaohongshu, XHS-DELAY scale (5%, ¥1–¥30): shipped, not scheduled (<see cref="NotScheduled"/>).</summary>
    public static readonly MarketplacePolicy XhsDelay = Xhs2024 with
    {
        Version = "XHS-DELAY",
        EffectiveFrom = NotScheduled,
        AutoCompensation = XhsDelayAuto,
    };

    /// <summary>taobao, TB-2022: exclusions, complete on refund, escalate.</summary>
    public static readonly MarketplacePolicy Taobao2022 = Xhs2024 with
    {
        Marketplace = Taobao,
        Version = "TB-2022",
        AfterSaleCompletion = AfterSaleCompletion.OnRefundCompleted,
        ReplyLapse = Consequence.Escalate,
        ShipByLapse = Consequence.Escalate,
        PlanRejection = Consequence.Escalate,
        CannotShip = Consequence.Escalate,
        ExcludeCustomCategory = true,
        ExcludeVirtualCategory = true,
        ExcludePresale = true,
        HonourExemptRegion = true,
        ComplaintAppliesAfterCompletion = false,
        FileComplaintOnEscalation = true,
    };

    /// <summary>tmall: the Taobao rules (TB-2022).</summary>
    public static readonly MarketplacePolicy Tmall2022 = Taobao2022 with { Marketplace = Tmall, Version = "TMALL-2022" };

    /// <summary>pinduoduo, PDD-2022: escalate, complete on refund, no exclusions.</summary>
    public static readonly MarketplacePolicy Pinduoduo2022 = Taobao2022 with
    {
        Marketplace = Pinduoduo,
        Version = "PDD-2022",
        ExcludeCustomCategory = false,
        ExcludeVirtualCategory = false,
        ExcludePresale = false,
        HonourExemptRegion = false,
    };

    /// <summary>Every shipped policy version.</summary>
    public static IReadOnlyList<MarketplacePolicy> BuiltIn { get; } = [Xhs2024, XhsDelay, Taobao2022, Tmall2022, Pinduoduo2022];

    /// <summary>
    /// The version of <paramref name="marketplace"/> in force at <paramref name="at"/>: the latest EffectiveFrom ≤ at,
    /// over the built-ins and <paramref name="extra"/> (an extra wins a tie). Null when none is configured.
    /// </summary>
    public static MarketplacePolicy? Resolve(string marketplace, DateTimeOffset at, IEnumerable<MarketplacePolicy>? extra = null)
    {
        MarketplacePolicy? best = null;
        foreach (var policy in (extra ?? []).Concat(BuiltIn))
        {
            if (string.Equals(policy.Marketplace, marketplace, StringComparison.Ordinal)
                && policy.EffectiveFrom <= at
                && (best is null || policy.EffectiveFrom > best.EffectiveFrom))
            {
                best = policy;
            }
        }

        return best;
    }

    /// <summary>
    /// Loads a policy supplied as data (camelCase JSON; durations ISO-8601 <c>"PT24H"</c> or <c>"1.00:00:00"</c>;
    /// money as <c>"5.00"</c> or a number). Throws <see cref="ArgumentException"/> naming the field when the data is bad.
    /// </summary>
    public static MarketplacePolicy Parse(string json)
    {
        var result = TryParse(json);
        return result.Policy ?? throw new ArgumentException($"policy field '{result.Field}': {result.Error}", nameof(json));
    }

    /// <summary>As <see cref="Parse"/>, but a bad field is a value: <see cref="PolicyParseResult.Field"/> and <see cref="PolicyParseResult.Error"/>.</summary>
    public static PolicyParseResult TryParse(string json) => PolicyFile.Read(json);
}

/// <summary>A policy, or the field that was bad and why.</summary>
public sealed record PolicyParseResult(MarketplacePolicy? Policy, string? Field, string? Error);
