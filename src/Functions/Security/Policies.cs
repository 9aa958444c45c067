using System.Reflection;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Options;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Functions.Http;

namespace UrgeShipment.Functions.Security;

/// <summary>
/// The authorization policies on the HTTP functions (<c>[Authorize(Policy = …)]</c>), each one requirement on the
/// <c>ApiKey</c> principal:
/// <list type="bullet">
/// <item><see cref="Read"/> (<c>tickets.read</c>): a seller account holding it (its own shop: the handler checks the
/// ticket's shop), an operator holding it, the admin.</item>
/// <item><see cref="Reply"/> (<c>tickets.reply</c>): a seller account holding it; never the admin nor an operator.</item>
/// <item><see cref="Operator"/>: a named operator holding it; never the admin (commands are audited under a person).</item>
/// <item><see cref="Admin"/>: the admin key (the dev clock).</item>
/// <item><see cref="Operations"/>: <c>/metrics</c> and <c>/openapi/v1.json</c>: the admin or an operator, or anyone
/// with <c>Operations:AnonymousMetrics</c>.</item>
/// </list>
/// A missing or unknown key is 401 <c>unauthorized</c>; a known key without the right is 403 <c>forbidden</c> saying why.
/// </summary>
public static class Policies
{
    public const string Read = Permissions.Read;
    public const string Reply = Permissions.Reply;
    public const string Operator = Permissions.Operator;
    public const string Admin = "admin";
    public const string Operations = "operations";

    public static IServiceCollection AddCallerAuthorization(this IServiceCollection services)
    {
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(options =>
        {
            options.DefaultPolicy = new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build();
            foreach (var name in (string[])[Read, Reply, Operator, Admin, Operations])
            {
                options.AddPolicy(name, policy => policy.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).AddRequirements(new CallerRequirement(name)));
            }
        });
        services.AddSingleton<IAuthorizationHandler, CallerRequirementHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResults>();
        services.AddSingleton<FunctionAuthorization>();
        return services;
    }
}

/// <summary>One of <see cref="Policies"/>' rights.</summary>
public sealed record CallerRequirement(string Policy) : IAuthorizationRequirement;

/// <summary>Decides a <see cref="CallerRequirement"/> for the caller the principal stands for; a refusal says why.</summary>
public sealed class CallerRequirementHandler(IOptions<OperationsOptions> operations) : AuthorizationHandler<CallerRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CallerRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        if (requirement.Policy == Policies.Operations && operations.Value.AnonymousMetrics)
        {
            context.Succeed(requirement); // a scraper inside a private network
            return Task.CompletedTask;
        }
        if (CallerClaims.From(context.User) is not { } caller)
        {
            return Task.CompletedTask; // not authenticated: the evaluator answers 401
        }
        var (allowed, why) = requirement.Policy switch
        {
            Policies.Admin => (caller is Caller.Admin, "The dev clock needs the admin key."),
            Policies.Operations => (caller is Caller.Admin or Caller.PlatformOperator,
                "Metrics and the API description are for the admin and operators (or set Operations:AnonymousMetrics)."),
            Policies.Operator when caller is Caller.Admin => (false,
                "Operator commands need a personal operator key (Operators:Accounts): each is audited under its person's name."),
            var permission => (caller.Can(permission), $"This key lacks {permission}."),
        };
        if (allowed)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, why));
        }
        return Task.CompletedTask;
    }
}

/// <summary>How a policy's outcome is answered, under either host: 401/403 problem responses, or nothing (go on).</summary>
public static class AuthorizationAnswers
{
    public static IResult? For(PolicyAuthorizationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Challenged)
        {
            return Problems.Unauthorized();
        }
        if (result.Forbidden)
        {
            return Problems.Forbidden(Reason(result.AuthorizationFailure));
        }
        return null;
    }

    /// <summary>The same for an imperative check (<see cref="IAuthorizationService"/>) of an authenticated or anonymous user.</summary>
    public static IResult? For(AuthorizationResult result, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(context);
        return result.Succeeded ? null
            : CallerClaims.From(context.User) is null ? Problems.Unauthorized()
            : Problems.Forbidden(Reason(result.Failure));
    }

    private static string Reason(AuthorizationFailure? failure) =>
        failure?.FailureReasons.FirstOrDefault()?.Message ?? "Not allowed for this key.";
}

/// <summary>The self-host's authorization middleware answers a refusal with the same problem responses.</summary>
public sealed class ProblemAuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        return AuthorizationAnswers.For(authorizeResult) is { } answer
            ? answer.ExecuteAsync(context)
            : _default.HandleAsync(next, context, policy, authorizeResult);
    }
}

/// <summary>
/// Authentication and the endpoint's policy for an HTTP function, read off its method's <c>[Authorize]</c> /
/// <c>[AllowAnonymous]</c> attributes: what ASP.NET Core's authentication and authorization middleware do on the
/// self-host, for the Functions host (<see cref="AuthorizedCalls"/>) and for tests that call a function directly.
/// </summary>
public sealed class FunctionAuthorization(IAuthorizationPolicyProvider policies, IPolicyEvaluator evaluator)
{
    private static readonly Dictionary<string, MethodInfo> ByName =
        FunctionCatalog.Http.ToDictionary(f => f.Name, f => f.Method, StringComparer.Ordinal);

    /// <summary>Null: go on (the principal, if any, is on <paramref name="context"/>); otherwise the 401/403 to answer.</summary>
    public async Task<IResult?> AuthorizeAsync(HttpContext context, MethodInfo function)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(function);
        var authorizeData = function.GetCustomAttributes(inherit: true).OfType<IAuthorizeData>().ToArray();
        var policy = function.GetCustomAttributes(inherit: true).OfType<IAllowAnonymous>().Any()
            ? null
            : await AuthorizationPolicy.CombineAsync(policies, authorizeData);
        if (policy is null)
        {
            // Anonymous endpoint: a valid key still names its caller (as the self-host's default scheme does).
            var authenticated = await context.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
            if (authenticated.Succeeded)
            {
                context.User = authenticated.Principal;
            }
            return null;
        }
        var authentication = await evaluator.AuthenticateAsync(policy, context);
        return AuthorizationAnswers.For(await evaluator.AuthorizeAsync(policy, authentication, context, resource: null));
    }

    /// <summary>The same for the function named <paramref name="functionName"/>; functions that are not HTTP functions pass.</summary>
    public Task<IResult?> AuthorizeAsync(HttpContext context, string functionName) =>
        ByName.TryGetValue(functionName, out var method) ? AuthorizeAsync(context, method) : Task.FromResult<IResult?>(null);
}

/// <summary>Under the Functions host: authentication and the function's policy in front of every HTTP function.</summary>
public sealed class AuthorizedCalls(FunctionAuthorization authorization) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is { } http && await authorization.AuthorizeAsync(http, context.FunctionDefinition.Name) is { } refusal)
        {
            await refusal.ExecuteAsync(http);
            return;
        }
        await next(context);
    }
}
