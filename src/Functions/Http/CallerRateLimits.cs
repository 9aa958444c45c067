using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace UrgeShipment.Functions.Http;

/// <summary><c>RateLimits</c>: requests per minute per caller.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Per API key (seller, operator, admin), and per client address for calls without a key.</summary>
    [Range(1, int.MaxValue)]
    public int PermitsPerMinute { get; set; } = 600;

    /// <summary>Per marketplace, for its webhooks (a sales festival pushes bursts).</summary>
    [Range(1, int.MaxValue)]
    public int WebhookPermitsPerMinute { get; set; } = 60_000;
}

/// <summary>
/// The rate limit of every HTTP call, by caller: a marketplace's webhooks share one window, each API key its own (keyed
/// by a digest of the header, never the key), and calls without a key one per client address. Past the limit:
/// <c>429 rate_limited</c> with <c>Retry-After</c>. <c>/health</c> is not limited. The self-host runs it as ASP.NET Core's rate limiter; under the
/// Functions host <see cref="RateLimitedCalls"/> applies the same limiter.
/// </summary>
public static class CallerRateLimits
{
    public static PartitionedRateLimiter<HttpContext> Create(RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (context.Request.Path.StartsWithSegments("/health"))
            {
                return RateLimitPartition.GetNoLimiter("health"); // probes poll it; it answers from one storage read
            }
            var (partition, permits) = PartitionOf(context, options);
            return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
    }

    private static (string Partition, int Permits) PartitionOf(HttpContext context, RateLimitOptions options)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api/webhooks", out var rest))
        {
            var marketplace = rest.Value?.Trim('/').Split('/')[0] ?? "";
            return ("webhook:" + (marketplace.Length <= 64 ? marketplace : marketplace[..64]), options.WebhookPermitsPerMinute);
        }
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            return ("key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(authorization)), 0, 16), options.PermitsPerMinute);
        }
        return ("address:" + context.Connection.RemoteIpAddress, options.PermitsPerMinute);
    }

    /// <summary>The 429 answer: problem+json <c>rate_limited</c>, and when to come back.</summary>
    public static async ValueTask RejectAsync(HttpContext context, RateLimitLease lease, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(lease);
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Problems.Of(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests.",
            $"This caller is limited per minute; try again in {Math.Ceiling(retryAfter.TotalSeconds)} s.").ExecuteAsync(context);
    }
}

/// <summary>Under the Functions host: the same per-caller limit in front of every HTTP function.</summary>
public sealed class RateLimitedCalls(PartitionedRateLimiter<HttpContext> limiter) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }
        using var lease = limiter.AttemptAcquire(http);
        if (!lease.IsAcquired)
        {
            await CallerRateLimits.RejectAsync(http, lease, http.RequestAborted);
            return;
        }
        await next(context);
    }
}
