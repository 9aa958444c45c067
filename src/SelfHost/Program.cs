using Microsoft.AspNetCore.Diagnostics;
using UrgeShipment.Functions.Hosting;

namespace UrgeShipment.SelfHost;

/// <summary>
/// The same functions as src/Functions, without the Azure Functions host: <c>./run.sh</c>, the tests, the benchmark and
/// containers run this.
/// </summary>
public sealed class Program
{
    private Program()
    {
    }

    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddLocalSettings(builder.Environment.ContentRootPath, args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:7071");
        }
        if (string.IsNullOrEmpty(builder.Configuration["Durable:WorkerId"]))
        {
            // A stable worker id per host (machine and port): a restarted host takes its partition leases back at once;
            // two hosts on one machine are still two workers.
            var urls = builder.Configuration["urls"] ?? "http://127.0.0.1:7071";
            var port = Uri.TryCreate(urls.Split(';')[0].Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var url) ? url.Port : 7071;
            builder.Configuration["Durable:WorkerId"] = $"{Environment.MachineName}-{port}";
        }
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // No body anywhere is larger than a webhook's; each endpoint caps its own lower (413 problem responses).
            kestrel.Limits.MaxRequestBodySize = UrgeShipment.Functions.Http.WebhookFunctions.MaxBodyBytes;
            // Any header byte decodes (as Latin-1), so a non-ASCII header value reaches the endpoint, which refuses it
            // with a problem naming the header, instead of Kestrel's bare 400.
            kestrel.RequestHeaderEncodingSelector = _ => System.Text.Encoding.Latin1;
        });
        var hostJson = HostJson.Load(builder.Configuration, builder.Environment.ContentRootPath);
        foreach (var (category, level) in hostJson.Values("logging.logLevel"))
        {
            // host.json's log levels, as the Functions host applies them ("default" is every other category).
            builder.Logging.AddFilter(category.Equals("default", StringComparison.OrdinalIgnoreCase) ? null : category, Enum.Parse<LogLevel>(level, ignoreCase: true));
        }
        builder.Services.AddUrgeShipment(builder.Configuration, builder.Environment, hostJson);
        builder.Services.AddDurableTaskSelfHost(builder.Configuration, hostJson);
        foreach (var timer in FunctionCatalog.Timers)
        {
            // As the Functions host: the app setting AzureWebJobs.<Function>.Disabled switches a function off.
            if (!IsSet(builder.Configuration[$"AzureWebJobs.{timer.Name}.Disabled"]) && !IsSet(builder.Configuration[$"AzureWebJobs:{timer.Name}:Disabled"]))
            {
                builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<TimerTriggerService>(sp, timer));
            }
        }

        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>()
            .Configure<System.Threading.RateLimiting.PartitionedRateLimiter<HttpContext>>((options, limiter) =>
            {
                options.GlobalLimiter = limiter; // the app's per-caller limit (CallerRateLimits), as under the Functions host
                options.OnRejected = (rejected, ct) => UrgeShipment.Functions.Http.CallerRateLimits.RejectAsync(rejected.HttpContext, rejected.Lease, ct);
            });

        var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization(); // the functions' [Authorize] policies, carried as endpoint metadata (FunctionEndpoints)
        app.MapFunctions(hostJson);
        await app.RunAsync();
    }

    /// <summary>An app setting switched on, as the Functions host reads one: "true" or "1".</summary>
    private static bool IsSet(string? value) =>
        string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || value == "1";
}
