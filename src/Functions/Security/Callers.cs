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

/// <summary>One person who may run operator commands; the name is what the ticket history records for each command.</summary>
public sealed class OperatorAccount
{
    [Required, RegularExpression(@"^[\p{L}\p{N}][\p{L}\p{N}._ -]{0,63}$")]
    public string Name { get; set; } = "";

    /// <summary>Lowercase hex SHA-256 of the person's API key; the key itself is never stored.</summary>
    [Required, RegularExpression("^[0-9a-fA-F]{64}$")]
    public string ApiKeySha256 { get; set; } = "";

    /// <summary>Comma list: <c>operator</c> (the commands), <c>tickets.read</c> (every shop's tickets).</summary>
    public string Permissions { get; set; } = "operator,tickets.read";
}

public sealed class OperatorOptions
{
    public List<OperatorAccount> Accounts { get; init; } = [];
}

/// <summary><c>Operations</c>: who may read the operations endpoints.</summary>
public sealed class OperationsOptions
{
    /// <summary>Serve <c>/metrics</c> and <c>/openapi/v1.json</c> without a key (off: the admin and operators only).</summary>
    public bool AnonymousMetrics { get; set; }
}

public sealed class AdminOptions
{
    [RegularExpression("^[0-9a-fA-F]{64}$")]
    public string? ApiKeySha256 { get; set; }
}

/// <summary>
/// Who is calling: the admin (reads everything, the dev clock), one operator (a named person: operator commands and
/// every shop's tickets, as its permissions say) or one seller account (its own shop only).
/// </summary>
public abstract record Caller(string Id)
{
    public sealed record Admin() : Caller("admin");

    public sealed record PlatformOperator(string Name, IReadOnlySet<string> Permissions) : Caller("operator:" + Name);

    public sealed record Seller(string AccountId, string ShopId, IReadOnlySet<string> Permissions) : Caller(AccountId);

    /// <summary>
    /// The admin reads everything but is no seller and no person: it may neither reply in a shop's name nor run
    /// operator commands (they are audited under a person's name).
    /// </summary>
    public bool Can(string permission) => this switch
    {
        Admin => permission is not (Permissions.Reply or Permissions.Operator),
        PlatformOperator o => o.Permissions.Contains(permission) && permission != Permissions.Reply,
        Seller s => s.Permissions.Contains(permission) && permission != Permissions.Operator,
        _ => false,
    };

    /// <summary>Sellers see their own shop; the admin and operators see every shop.</summary>
    public bool Sees(string? shopId) => this is Admin or PlatformOperator || (this is Seller s && s.ShopId == shopId);
}

public static class Permissions
{
    public const string Read = "tickets.read";
    public const string Reply = "tickets.reply";
    public const string Operator = "operator";
}

/// <summary>
/// The known API keys (as SHA-256 digests, from configuration) and who each is; a key is compared against every digest in
/// constant time. <see cref="ApiKeyAuthenticationHandler"/> reads the key off the request.
/// </summary>
public sealed class Callers(IOptions<SellerOptions> sellers, IOptions<AdminOptions> admin, IOptions<OperatorOptions> operators)
{
    private readonly (byte[] Digest, Caller Caller)[] _known = Build(sellers.Value, admin.Value, operators.Value);

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

    private static (byte[], Caller)[] Build(SellerOptions sellers, AdminOptions admin, OperatorOptions operators)
    {
        var known = new List<(byte[], Caller)>();
        if (!string.IsNullOrEmpty(admin.ApiKeySha256))
        {
            known.Add((Convert.FromHexString(admin.ApiKeySha256), new Caller.Admin()));
        }
        foreach (var person in operators.Accounts)
        {
            var permissions = person.Permissions.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .ToHashSet(StringComparer.Ordinal);
            known.Add((Convert.FromHexString(person.ApiKeySha256), new Caller.PlatformOperator(person.Name, permissions)));
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
