using System.Globalization;
using System.Text.Json;
using System.Xml;

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

    private static readonly IReadOnlyList<TimeSpan> DefaultReminderLeadTimes = [TimeSpan.FromHours(4), TimeSpan.FromHours(1)];

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
        LapseGrace = TimeSpan.FromSeconds(120),
        MaxFutureSkew = TimeSpan.FromSeconds(300),
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
        ReminderLeadTimes = DefaultReminderLeadTimes,
        ReminderDailyCapPerAccount = 10,
        FirstViolationPoints = 2,
        RepeatViolationPoints = 4,
        RepeatViolationWindow = TimeSpan.FromDays(30),
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
    public static PolicyParseResult TryParse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var reader = new PolicyReader(document.RootElement);
            return new PolicyParseResult(reader.Read(), null, null);
        }
        catch (JsonException ex)
        {
            return new PolicyParseResult(null, "$", $"not JSON ({ex.Message})");
        }
        catch (PolicyFieldException ex)
        {
            return new PolicyParseResult(null, ex.Field, ex.Problem);
        }
    }

    private sealed class PolicyFieldException(string field, string problem) : Exception($"{field}: {problem}")
    {
        public string Field { get; } = field;

        public string Problem { get; } = problem;
    }

    private sealed class PolicyReader(JsonElement root)
    {
        public MarketplacePolicy Read()
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PolicyFieldException("$", "must be a JSON object");
            }

            var replyWindow = Duration("replyWindow");
            var graceDefault = TimeSpan.FromSeconds(120);
            var policy = new MarketplacePolicy
            {
                Marketplace = Text("marketplace"),
                Version = Text("version"),
                EffectiveFrom = Instant("effectiveFrom"),
                ReplyWindow = replyWindow,
                BuyerConfirmationWindow = Duration("buyerConfirmationWindow"),
                MaxDelay = Duration("maxDelay"),
                DefaultShipWindow = Duration("defaultShipWindow"),
                LapseGrace = Duration("lapseGrace", graceDefault, allowZero: true),
                MaxFutureSkew = Duration("maxFutureSkew", TimeSpan.FromSeconds(300), allowZero: true),
                AfterSaleCompletion = Choice<AfterSaleCompletion>("afterSaleCompletion", ("opened", AfterSaleCompletion.OnOpened), ("refund_completed", AfterSaleCompletion.OnRefundCompleted)),
                ReplyLapse = ConsequenceOf("replyLapse"),
                ShipByLapse = ConsequenceOf("shipByLapse"),
                PlanRejection = ConsequenceOf("planRejection"),
                CannotShip = ConsequenceOf("cannotShip"),
                ExcludeCustomCategory = Flag("excludeCustomCategory"),
                ExcludeVirtualCategory = Flag("excludeVirtualCategory"),
                ExcludePresale = Flag("excludePresale"),
                HonourExemptRegion = Flag("honourExemptRegion"),
                AutoCompensation = Scale("autoCompensation"),
                ComplaintCompensation = Scale("complaintCompensation"),
                ComplaintNetOfAutoCompensation = Flag("complaintNetOfAutoCompensation"),
                ComplaintAppliesAfterCompletion = Flag("complaintAppliesAfterCompletion"),
                ReminderLeadTimes = Durations("reminderLeadTimes", DefaultReminderLeadTimes),
                ReminderDailyCapPerAccount = Count("reminderDailyCapPerAccount", 10),
                FirstViolationPoints = Count("firstViolationPoints", 2),
                RepeatViolationPoints = Count("repeatViolationPoints", 4),
                RepeatViolationWindow = Duration("repeatViolationWindow", TimeSpan.FromDays(30)),
                OnTimeRateThreshold = OptionalRate("onTimeRateThreshold"),
                OnTimeGeneralPoints = Count("onTimeGeneralPoints", 5),
                OnTimeSeriousMinPackages = Count("onTimeSeriousMinPackages", 20),
                OnTimeSeriousRate = OptionalRate("onTimeSeriousRate") ?? 0.50m,
                OnTimeSeriousPoints = Count("onTimeSeriousPoints", 5),
                FileComplaintOnEscalation = Flag("fileComplaintOnEscalation"),
                ComplaintEscalatesOpenTicket = Flag("complaintEscalatesOpenTicket", true),
                UpheldComplaintCompletesOpenTicket = Flag("upheldComplaintCompletesOpenTicket", true),
                FlagInTimeProofAfterLapse = Flag("flagInTimeProofAfterLapse", true),
                CapCompensationAtPaidAmount = Flag("capCompensationAtPaidAmount", false),
                LateFactsAwaitLapse = Flag("lateFactsAwaitLapse", true),
                AppealWindowWorkingDays = Count("appealWindowWorkingDays", 7),
                LocalUtcOffset = Offset("localUtcOffset"),
                AppealReversesOnlyLateShipment = Flag("appealReversesOnlyLateShipment", true),
                MaxOperatorExtension = Duration("maxOperatorExtension", TimeSpan.FromDays(7)),
                AcceptEventsAfterCompletion = Duration("acceptEventsAfterCompletion", TimeSpan.FromDays(30), allowZero: true),
            };

            foreach (var property in root.EnumerateObject())
            {
                if (!known.Contains(property.Name))
                {
                    throw new PolicyFieldException(property.Name, "is not a policy field");
                }
            }

            return policy;
        }

        private readonly HashSet<string> known = new(StringComparer.Ordinal);

        private JsonElement? Field(string name, JsonElement? within = null)
        {
            if (within is null)
            {
                known.Add(name);
            }

            return (within ?? root).TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
        }

        private JsonElement Required(string name, JsonElement? within = null, string? path = null) =>
            Field(name, within) ?? throw new PolicyFieldException(path ?? name, "is required");

        private string Text(string name)
        {
            var value = Required(name);
            if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            {
                throw new PolicyFieldException(name, "must be a non-empty string");
            }

            return value.GetString()!.Trim();
        }

        private DateTimeOffset Instant(string name)
        {
            var value = Required(name);
            if (value.ValueKind != JsonValueKind.String
                || !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
                || !value.GetString()!.Contains('T', StringComparison.Ordinal))
            {
                throw new PolicyFieldException(name, "must be an ISO-8601 instant with offset, e.g. \"2025-01-01T00:00:00+08:00\"");
            }

            return instant;
        }

        private TimeSpan Duration(string name, TimeSpan? fallback = null, bool allowZero = false) =>
            Field(name) is { } value
                ? ToDuration(value, name, allowZero)
                : fallback ?? throw new PolicyFieldException(name, "is required");

        private static TimeSpan ToDuration(JsonElement value, string path, bool allowZero)
        {
            var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            TimeSpan duration;
            if (text is null)
            {
                throw new PolicyFieldException(path, "must be a duration string, e.g. \"PT24H\" or \"1.00:00:00\"");
            }

            if (text.StartsWith('P'))
            {
                try
                {
                    duration = XmlConvert.ToTimeSpan(text);
                }
                catch (FormatException)
                {
                    throw new PolicyFieldException(path, $"'{text}' is not an ISO-8601 duration");
                }
                catch (OverflowException)
                {
                    throw new PolicyFieldException(path, $"'{text}' is out of range");
                }
            }
            else if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration))
            {
                throw new PolicyFieldException(path, $"'{text}' is not a duration (ISO-8601 \"PT24H\" or \"d.hh:mm:ss\")");
            }

            if (duration < TimeSpan.Zero || (!allowZero && duration == TimeSpan.Zero))
            {
                throw new PolicyFieldException(path, allowZero ? "must not be negative" : "must be positive");
            }

            return duration;
        }

        private TimeSpan Offset(string name)
        {
            if (Field(name) is not { } value)
            {
                return TimeSpan.FromHours(8);
            }

            var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (text is null
                || !DateTimeOffset.TryParse($"2000-01-01T00:00:00{text}", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                throw new PolicyFieldException(name, "must be a UTC offset, e.g. \"+08:00\"");
            }

            return parsed.Offset;
        }

        private IReadOnlyList<TimeSpan> Durations(string name, IReadOnlyList<TimeSpan> fallback)
        {
            if (Field(name) is not { } value)
            {
                return fallback;
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                throw new PolicyFieldException(name, "must be an array of durations");
            }

            return [.. value.EnumerateArray().Select((item, i) => ToDuration(item, $"{name}[{i}]", allowZero: false))];
        }

        private bool Flag(string name, bool? fallback = null)
        {
            if (Field(name) is not { } value)
            {
                return fallback ?? throw new PolicyFieldException(name, "is required");
            }

            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new PolicyFieldException(name, "must be true or false"),
            };
        }

        private int Count(string name, int fallback)
        {
            if (Field(name) is not { } value)
            {
                return fallback;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var count) || count < 0)
            {
                throw new PolicyFieldException(name, "must be a whole number ≥ 0");
            }

            return count;
        }

        private decimal? OptionalRate(string name)
        {
            if (Field(name) is not { } value)
            {
                return null;
            }

            return ToRate(value, name);
        }

        private static decimal ToRate(JsonElement value, string path)
        {
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var rate) || rate < 0m || rate > 1m)
            {
                throw new PolicyFieldException(path, "must be a number between 0 and 1");
            }

            return rate;
        }

        private T Choice<T>(string name, params (string Wire, T Value)[] choices)
        {
            var value = Required(name);
            var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            foreach (var (wire, choice) in choices)
            {
                if (string.Equals(wire, text, StringComparison.Ordinal))
                {
                    return choice;
                }
            }

            throw new PolicyFieldException(name, $"must be one of {string.Join(", ", choices.Select(c => $"\"{c.Wire}\""))}");
        }

        private Consequence ConsequenceOf(string name) =>
            Choice(name, ("compensate", Consequence.Compensate), ("escalate", Consequence.Escalate));

        private CompensationScale Scale(string name)
        {
            var scale = Required(name);
            if (scale.ValueKind != JsonValueKind.Object)
            {
                throw new PolicyFieldException(name, "must be an object { rate, min, max }");
            }

            var rate = ToRate(Required("rate", scale, $"{name}.rate"), $"{name}.rate");
            var min = Amount(Required("min", scale, $"{name}.min"), $"{name}.min");
            var max = Amount(Required("max", scale, $"{name}.max"), $"{name}.max");
            if (min > max)
            {
                throw new PolicyFieldException($"{name}.min", "must not be above max");
            }

            return new CompensationScale(rate, min, max);
        }

        private static Money Amount(JsonElement value, string path)
        {
            Money? amount = value.ValueKind switch
            {
                JsonValueKind.String => Money.TryParse(value.GetString()),
                JsonValueKind.Number when value.TryGetDecimal(out var number) && number == Math.Round(number, 2) => new Money(number),
                _ => null,
            };

            if (amount is not { IsNegative: false } valid)
            {
                throw new PolicyFieldException(path, "must be an amount ≥ 0 with at most two decimals, e.g. \"5.00\"");
            }

            return valid;
        }
    }
}

/// <summary>A policy, or the field that was bad and why.</summary>
public sealed record PolicyParseResult(MarketplacePolicy? Policy, string? Field, string? Error);
