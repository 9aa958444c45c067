using System.Reflection;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Options;
using Moq;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Functions.Http;
using UrgeShipment.Functions.Security;

namespace UrgeShipment.Functions.Tests.Unit;

/// <summary>
/// Who may do what: the <c>ApiKey</c> scheme, the policies on every HTTP function, and the Functions-host middleware that
/// applies them. No storage: these are the app's own authentication and authorization services, nothing mocked but the
/// Functions <see cref="FunctionContext"/>.
/// </summary>
public sealed class AuthorizationTests
{
    private const string OperatorReaderKey = "test-operator-reader-key";

    private static ServiceProvider Services(bool anonymousMetrics = false)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<AdminOptions>(o => o.ApiKeySha256 = TicketHost.Sha(TicketHost.AdminKey));
        services.Configure<SellerOptions>(o =>
        {
            o.Accounts.Add(new SellerAccount { ShopId = TicketHost.Shop, AccountId = "ops-a", ApiKeySha256 = TicketHost.Sha(TicketHost.SellerKey), Permissions = "tickets.read,tickets.reply" });
            o.Accounts.Add(new SellerAccount { ShopId = TicketHost.Shop, AccountId = "viewer-a", ApiKeySha256 = TicketHost.Sha(TicketHost.ReadOnlySellerKey), Permissions = "tickets.read" });
        });
        services.Configure<OperatorOptions>(o =>
        {
            o.Accounts.Add(new OperatorAccount { Name = TicketHost.OperatorName, ApiKeySha256 = TicketHost.Sha(TicketHost.OperatorKey) });
            o.Accounts.Add(new OperatorAccount { Name = "zhang.min", ApiKeySha256 = TicketHost.Sha(OperatorReaderKey), Permissions = "tickets.read" });
        });
        services.Configure<OperationsOptions>(o => o.AnonymousMetrics = anonymousMetrics);
        services.AddSingleton<Callers>();
        services.AddCallerAuthorization();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    private static DefaultHttpContext Context(IServiceProvider services, string? authorization)
    {
        // A scope per request, as the host makes one: authentication handlers are per request.
        var context = new DefaultHttpContext { RequestServices = services.CreateScope().ServiceProvider };
        context.Response.Body = new MemoryStream();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }
        return context;
    }

    private static async Task<(int Status, string? Code, string? Detail)> AuthorizeAsync(IServiceProvider services, string function, string? key, string scheme = "Bearer ")
    {
        var context = Context(services, key is null ? null : scheme + key);
        var refusal = await services.GetRequiredService<FunctionAuthorization>().AuthorizeAsync(context, function);
        if (refusal is null)
        {
            return (200, null, null);
        }
        await refusal.ExecuteAsync(context);
        var problem = JsonNode.Parse(Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()))!;
        Assert.Equal("application/problem+json", context.Response.ContentType);
        return (context.Response.StatusCode, (string?)problem["code"], (string?)problem["detail"]);
    }

    public static TheoryData<string, string, int> WhoMayDoWhat() => new()
    {
        // function, caller, status (200: the policy lets the call through to the function)
        { nameof(TicketFunctions.GetTicket), "seller", 200 },
        { nameof(TicketFunctions.GetTicket), "readonly-seller", 200 },
        { nameof(TicketFunctions.GetTicket), "operator", 200 },
        { nameof(TicketFunctions.GetTicket), "admin", 200 },
        { nameof(TicketFunctions.GetTicket), "none", 401 },
        { nameof(TicketFunctions.GetTicket), "unknown", 401 },
        { nameof(TicketFunctions.ListTickets), "seller", 200 },
        { nameof(TicketFunctions.ListTickets), "operator-reader", 200 },
        { nameof(TicketFunctions.ReplyToTicket), "seller", 200 },
        { nameof(TicketFunctions.ReplyToTicket), "readonly-seller", 403 },
        { nameof(TicketFunctions.ReplyToTicket), "admin", 403 },
        { nameof(TicketFunctions.ReplyToTicket), "operator", 403 },
        { nameof(TicketFunctions.ReplyToTicket), "none", 401 },
        { nameof(OperatorFunctions.OperatorCommand), "operator", 200 },
        { nameof(OperatorFunctions.OperatorCommand), "operator-reader", 403 },
        { nameof(OperatorFunctions.OperatorCommand), "admin", 403 },
        { nameof(OperatorFunctions.OperatorCommand), "seller", 403 },
        { nameof(OperatorFunctions.OperatorCommand), "unknown", 401 },
        { nameof(ShopFunctions.GetShopLedger), "readonly-seller", 200 },
        { nameof(ShopFunctions.GetShopLedger), "none", 401 },
        { nameof(OperationFunctions.Metrics), "admin", 200 },
        { nameof(OperationFunctions.Metrics), "operator", 200 },
        { nameof(OperationFunctions.Metrics), "seller", 403 },
        { nameof(OperationFunctions.Metrics), "none", 401 },
        { nameof(DashboardFunctions.OpenApi), "operator-reader", 200 },
        { nameof(DashboardFunctions.OpenApi), "seller", 403 },
        { nameof(OperationFunctions.WhoAmI), "readonly-seller", 200 },
        { nameof(OperationFunctions.WhoAmI), "none", 401 },
        { nameof(OperationFunctions.WhoAmI), "unknown", 401 },
        { nameof(WebhookFunctions.ReceiveWebhook), "none", 200 }, // signed, not keyed
        { nameof(OperationFunctions.Health), "none", 200 },
        { nameof(DashboardFunctions.Dashboard), "none", 200 },
    };

    private static string? KeyOf(string caller) => caller switch
    {
        "seller" => TicketHost.SellerKey,
        "readonly-seller" => TicketHost.ReadOnlySellerKey,
        "operator" => TicketHost.OperatorKey,
        "operator-reader" => OperatorReaderKey,
        "admin" => TicketHost.AdminKey,
        "unknown" => "not-a-key",
        _ => null,
    };

    [Theory]
    [MemberData(nameof(WhoMayDoWhat))]
    public async Task EachFunctionsPolicy_LetsThroughExactlyTheCallersItNames(string function, string caller, int expected)
    {
        await using var services = Services();

        var (status, code, _) = await AuthorizeAsync(services, function, KeyOf(caller));

        Assert.Equal(expected, status);
        Assert.Equal(expected switch { 401 => "unauthorized", 403 => "forbidden", _ => null }, code);
    }

    [Fact]
    public async Task TheAdminKey_OnAnOperatorCommand_IsToldToUseAPersonalKey()
    {
        await using var services = Services();

        var (status, _, detail) = await AuthorizeAsync(services, nameof(OperatorFunctions.OperatorCommand), TicketHost.AdminKey);

        Assert.Equal(403, status);
        Assert.Contains("personal operator key", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReadOnlyKey_OnAReply_IsToldWhichPermissionItLacks()
    {
        await using var services = Services();

        var (_, _, detail) = await AuthorizeAsync(services, nameof(TicketFunctions.ReplyToTicket), TicketHost.ReadOnlySellerKey);

        Assert.Equal("This key lacks tickets.reply.", detail);
    }

    [Theory]
    [InlineData("Basic ")]
    [InlineData("Bearer")]
    [InlineData("")]
    public async Task AnAuthorizationHeaderThatIsNotBearer_Is401(string scheme)
    {
        await using var services = Services();

        var (status, code, _) = await AuthorizeAsync(services, nameof(TicketFunctions.GetTicket), scheme.Length == 0 ? "" : TicketHost.SellerKey, scheme);

        Assert.Equal(401, status);
        Assert.Equal("unauthorized", code);
    }

    [Fact]
    public async Task WithAnonymousMetrics_MetricsAndOpenApiNeedNoKey_AndEverythingElseStillDoes()
    {
        await using var services = Services(anonymousMetrics: true);

        Assert.Equal(200, (await AuthorizeAsync(services, nameof(OperationFunctions.Metrics), null)).Status);
        Assert.Equal(200, (await AuthorizeAsync(services, nameof(DashboardFunctions.OpenApi), null)).Status);
        Assert.Equal(401, (await AuthorizeAsync(services, nameof(TicketFunctions.GetTicket), null)).Status);
    }

    [Theory]
    [InlineData(TicketHost.SellerKey, "seller", "ops-a", TicketHost.Shop, "tickets.read,tickets.reply")]
    [InlineData(TicketHost.OperatorKey, "operator", TicketHost.OperatorName, null, "operator,tickets.read")]
    [InlineData(TicketHost.AdminKey, "admin", "admin", null, "")]
    public async Task AKnownKey_AuthenticatesAsAPrincipalNamingRoleAccountShopAndPermissions(string key, string role, string name, string? shop, string permissions)
    {
        await using var services = Services();
        var context = Context(services, "Bearer " + key);

        var result = await context.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);

        Assert.True(result.Succeeded);
        var principal = result.Principal!;
        Assert.Equal(role, principal.FindFirstValue(ClaimTypes.Role));
        Assert.Equal(name, principal.Identity!.Name);
        Assert.Equal(shop, principal.FindFirstValue(CallerClaims.Shop));
        Assert.Equal(permissions, string.Join(',', principal.FindAll(CallerClaims.Permission).Select(c => c.Value).Order(StringComparer.Ordinal)));
        Assert.Equal(name, CallerClaims.From(principal) switch
        {
            Caller.Seller s => s.AccountId,
            Caller.PlatformOperator o => o.Name,
            var other => other!.Id,
        });
    }

    [Fact]
    public async Task AnUnknownKey_FailsAuthentication_AndAMissingOneIsNoResult()
    {
        await using var services = Services();

        var unknown = await Context(services, "Bearer not-a-key").AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
        var missing = await Context(services, null).AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);

        Assert.Equal("Unknown API key.", unknown.Failure?.Message);
        Assert.False(missing.Succeeded);
        Assert.True(missing.None, $"missing: {missing.Failure?.Message}");
    }

    [Fact]
    public void EveryHttpFunction_StatesItsPolicy_OrThatItIsAnonymous()
    {
        var unstated = FunctionCatalog.Http
            .Where(f => !f.Method.GetCustomAttributes(inherit: true).Any(a => a is IAuthorizeData or IAllowAnonymous))
            .Select(f => f.Name)
            .ToList();

        Assert.Empty(unstated);
    }

    [Fact]
    public void AFunctionReadingItsCallerWithoutAPolicy_FailsClosed()
    {
        var request = new DefaultHttpContext().Request;

        var thrown = Assert.Throws<InvalidOperationException>(() => request.Caller());

        Assert.Contains("authorization policy did not run", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnderTheFunctionsHost_TheMiddleware_AnswersARefusalAndNeverRunsTheFunction()
    {
        await using var services = Services();
        var http = Context(services, null);
        var context = FunctionContextFor(nameof(TicketFunctions.ReplyToTicket), http);
        var ran = false;

        await new AuthorizedCalls(services.GetRequiredService<FunctionAuthorization>()).Invoke(context, _ => { ran = true; return Task.CompletedTask; });

        Assert.False(ran);
        Assert.Equal(401, http.Response.StatusCode);
    }

    [Fact]
    public async Task UnderTheFunctionsHost_TheMiddleware_RunsTheFunctionWithThePrincipalOnTheRequest()
    {
        await using var services = Services();
        var http = Context(services, "Bearer " + TicketHost.SellerKey);
        var context = FunctionContextFor(nameof(TicketFunctions.ReplyToTicket), http);
        Caller? seen = null;

        await new AuthorizedCalls(services.GetRequiredService<FunctionAuthorization>()).Invoke(context, _ => { seen = http.Request.Caller(); return Task.CompletedTask; });

        var seller = Assert.IsType<Caller.Seller>(seen);
        Assert.Equal(TicketHost.Shop, seller.ShopId);
    }

    /// <summary>A Functions invocation of <paramref name="function"/> carrying <paramref name="http"/> (as the ASP.NET Core integration does).</summary>
    private static FunctionContext FunctionContextFor(string function, HttpContext http)
    {
        var definition = new Mock<FunctionDefinition>();
        definition.SetupGet(d => d.Name).Returns(function);
        var items = new Dictionary<object, object> { ["HttpRequestContext"] = http };
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.FunctionDefinition).Returns(definition.Object);
        context.SetupGet(c => c.Items).Returns(items);
        context.SetupGet(c => c.InstanceServices).Returns(http.RequestServices);
        return context.Object;
    }
}
