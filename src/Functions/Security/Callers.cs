using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace UrgeShipment.Functions.Security;

public sealed class SellerAccount
{
    [Required]
    public string ShopId { get; set; } = "";

    [Required]
    public string AccountId { get; set; } = "";

    /// <summary>Lowercase hex SHA-256 of the API key; the key itself is never stored.</summary>
    [Required, RegularExpression("^[0-9a-fA-F]{64}$")]
    public string ApiKeySha256 { get; set; } = "";

    /// <summary>Comma list: <c>tickets.read</c>, <c>tickets.reply</c>.</summary>
    public string Permissions { get; set; } = "";
}

public sealed class SellerOptions
{
    public List<SellerAccount> Accounts { get; init; } = [];
}

public sealed class AdminOptions
{
    [RegularExpression("^[0-9a-fA-F]{64}$")]
    public string? ApiKeySha256 { get; set; }
}

/// <summary>Who is calling: the admin (reads everything) or one seller account (its own shop only).</summary>
public abstract record Caller(string Id)
{
    public sealed record Admin() : Caller("admin");

    public sealed record Seller(string AccountId, string ShopId, IReadOnlySet<string> Permissions) : Caller(AccountId);

    /// <summary>The admin reads everything but is no seller: it may not reply in a shop's name.</summary>
    public bool Can(string permission) => this is Admin ? permission != Permissions.Reply : this is Seller s && s.Permissions.Contains(permission);

    public bool Sees(string? shopId) => this is Admin || (this is Seller s && s.ShopId == shopId);
}

public static class Permissions
{
    public const string Read = "tickets.read";
    public const string Reply = "tickets.reply";
}

/// <summary>Identifies callers by <c>Authorization: Bearer &lt;key&gt;</c>, comparing SHA-256 digests in constant time.</summary>
public sealed class Callers(IOptions<SellerOptions> sellers, IOptions<AdminOptions> admin)
{
    private readonly (byte[] Digest, Caller Caller)[] _known = Build(sellers.Value, admin.Value);

    public Caller? Identify(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length == scheme.Length)
        {
            return null;
        }
        return Identify(header[scheme.Length..].Trim());
    }

    public Caller? Identify(string apiKey)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));
        Caller? found = null;
        foreach (var (known, caller) in _known)
        {
            if (CryptographicOperations.FixedTimeEquals(known, digest))
            {
                found = caller;
            }
        }
        return found;
    }

    private static (byte[], Caller)[] Build(SellerOptions sellers, AdminOptions admin)
    {
        var known = new List<(byte[], Caller)>();
        if (!string.IsNullOrEmpty(admin.ApiKeySha256))
        {
            known.Add((Convert.FromHexString(admin.ApiKeySha256), new Caller.Admin()));
        }
        foreach (var account in sellers.Accounts)
        {
            var permissions = account.Permissions.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .ToHashSet(StringComparer.Ordinal);
            known.Add((Convert.FromHexString(account.ApiKeySha256), new Caller.Seller(account.AccountId, account.ShopId, permissions)));
        }
        return [.. known];
    }
}
