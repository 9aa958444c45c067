using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using UrgeShipment.Domain;

namespace UrgeShipment.Functions.Marketplaces;

/// <summary>Where a marketplace's webhook secret and policy files come from (configuration section "Webhooks" and "Marketplaces").</summary>
public sealed class MarketplaceOptions
{
    /// <summary>HMAC secret per marketplace (<c>Webhooks:Secrets:{marketplace}</c>).</summary>
    public Dictionary<string, string> Secrets { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Extra policy files (JSON, the domain's policy format), e.g. a douyin policy or a dated XHS scale.</summary>
    public List<string> PolicyFiles { get; init; } = [];
}

/// <summary>
/// The marketplaces this host serves: the built-in policies plus any supplied as data. A marketplace is
/// served once it has a policy AND a webhook secret; anything else is "unknown" to the webhook endpoint.
/// </summary>
public sealed partial class MarketplaceCatalog
{
    private readonly IReadOnlyList<MarketplacePolicy> _extra;
    private readonly Dictionary<string, string> _secrets;

    public MarketplaceCatalog(IOptions<MarketplaceOptions> options)
    {
        var value = options.Value;
        _secrets = value.Secrets.Where(s => !string.IsNullOrEmpty(s.Value)).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        _extra = [.. value.PolicyFiles.Select(Load)];
    }

    private static MarketplacePolicy Load(string path)
    {
        var parsed = MarketplacePolicies.TryParse(File.ReadAllText(path));
        return parsed.Policy ?? throw new InvalidOperationException($"Policy file '{path}': {parsed.Field} {parsed.Error}");
    }

    public IEnumerable<MarketplacePolicy> Policies => MarketplacePolicies.BuiltIn.Concat(_extra);

    public IReadOnlyCollection<string> Served =>
        [.. Policies.Select(p => p.Marketplace).Distinct(StringComparer.Ordinal).Where(_secrets.ContainsKey).Order(StringComparer.Ordinal)];

    public static bool IsWellFormedName(string marketplace) => MarketplaceName().IsMatch(marketplace);

    public bool IsServed(string marketplace) =>
        IsWellFormedName(marketplace) && _secrets.ContainsKey(marketplace) && Policies.Any(p => p.Marketplace == marketplace);

    public string? SecretFor(string marketplace) => _secrets.GetValueOrDefault(marketplace);

    /// <summary>The policy version in force at <paramref name="at"/>; a ticket keeps it for life.</summary>
    public MarketplacePolicy? PolicyAt(string marketplace, DateTimeOffset at) =>
        MarketplacePolicies.Resolve(marketplace, at, _extra);

    [GeneratedRegex("^[a-z][a-z0-9_]{1,31}$")]
    private static partial Regex MarketplaceName();
}
