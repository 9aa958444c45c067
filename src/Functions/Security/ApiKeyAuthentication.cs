using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using UrgeShipment.Functions.Http;

namespace UrgeShipment.Functions.Security;

/// <summary>
/// The <c>ApiKey</c> authentication scheme: <c>Authorization: Bearer &lt;key&gt;</c>, looked up by its SHA-256 digest in
/// constant time (<see cref="Callers"/>), becomes a principal naming the caller's role, account, shop and permissions.
/// No header: no result (anonymous endpoints serve it; a policy answers 401). A header that is not a known key: a failure.
/// Challenges and refusals are problem responses (<c>unauthorized</c>, <c>forbidden</c>).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Callers callers)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    private const string Bearer = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) || header.Length == Bearer.Length)
        {
            return Task.FromResult(AuthenticateResult.Fail("Authorization is not 'Bearer <api key>'."));
        }
        return Task.FromResult(callers.Identify(header[Bearer.Length..].Trim()) is { } caller
            ? AuthenticateResult.Success(new AuthenticationTicket(CallerClaims.Principal(caller, Scheme.Name), Scheme.Name))
            : AuthenticateResult.Fail("Unknown API key."));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => Problems.Unauthorized().ExecuteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => Problems.Forbidden("Not allowed for this key.").ExecuteAsync(Context);
}

/// <summary>A <see cref="Caller"/> as claims, and back: the principal carries exactly what the caller is.</summary>
public static class CallerClaims
{
    public const string Shop = "urgeshipment/shop";
    public const string Account = "urgeshipment/account";
    public const string Permission = "urgeshipment/permission";

    public static ClaimsPrincipal Principal(Caller caller, string scheme)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var claims = new List<Claim>();
        switch (caller)
        {
            case Caller.Admin:
                claims.Add(new Claim(ClaimTypes.Role, Roles.Admin));
                claims.Add(new Claim(ClaimTypes.Name, caller.Id));
                break;
            case Caller.PlatformOperator person:
                claims.Add(new Claim(ClaimTypes.Role, Roles.Operator));
                claims.Add(new Claim(ClaimTypes.Name, person.Name));
                claims.AddRange(person.Permissions.Select(p => new Claim(Permission, p)));
                break;
            case Caller.Seller seller:
                claims.Add(new Claim(ClaimTypes.Role, Roles.Seller));
                claims.Add(new Claim(ClaimTypes.Name, seller.AccountId));
                claims.Add(new Claim(Account, seller.AccountId));
                claims.Add(new Claim(Shop, seller.ShopId));
                claims.AddRange(seller.Permissions.Select(p => new Claim(Permission, p)));
                break;
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The caller an authenticated principal stands for; null for an anonymous one.</summary>
    public static Caller? From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity is not { IsAuthenticated: true } || principal.FindFirstValue(ClaimTypes.Name) is not { } name)
        {
            return null;
        }
        var permissions = principal.FindAll(Permission).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return principal.FindFirstValue(ClaimTypes.Role) switch
        {
            Roles.Admin => new Caller.Admin(),
            Roles.Operator => new Caller.PlatformOperator(name, permissions),
            Roles.Seller when principal.FindFirstValue(Shop) is { } shop => new Caller.Seller(name, shop, permissions),
            _ => null,
        };
    }

}

/// <summary>The authenticated caller of a request.</summary>
public static class RequestCallers
{
    /// <summary>
    /// The caller of a request whose endpoint's policy has run. Fails closed: an endpoint that reads its caller without a
    /// policy in front is a bug, never an anonymous pass.
    /// </summary>
    public static Caller Caller(this HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CallerClaims.From(request.HttpContext.User)
            ?? throw new InvalidOperationException($"{request.Path}: no authenticated caller; the endpoint's authorization policy did not run.");
    }
}

public static class Roles
{
    public const string Admin = "admin";
    public const string Operator = "operator";
    public const string Seller = "seller";
}
