using System.Reflection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.SelfHost.Tests;

/// <summary>
/// src/SelfHost's real <see cref="Program"/> on the shared Azurite, with a task hub of its own, no local.settings.json,
/// the Development environment, and any extra app settings.
/// </summary>
public sealed class SelfHostFactory(AzuriteServer azurite, IReadOnlyDictionary<string, string?>? extra = null) : WebApplicationFactory<Program>
{
    public string Hub { get; } = "h" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The timer functions the started host runs (one <see cref="TimerTriggerService"/> each).</summary>
    public IReadOnlyList<string> RunningTimers() =>
    [
        .. Services.GetServices<IHostedService>().OfType<TimerTriggerService>().Select(s => FunctionOf(s).Name).Order(StringComparer.Ordinal),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["LocalSettingsPath"] = "/nonexistent/local.settings.json",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["AzureFunctionsJobHost:extensions:durableTask:hubName"] = Hub,
            ["AzureFunctionsJobHost:extensions:durableTask:storageProvider:partitionCount"] = "1",
            ["AzureFunctionsJobHost:extensions:durableTask:storageProvider:maxQueuePollingInterval"] = "00:00:00.250",
            ["Durable:WorkerId"] = "selfhost-tests-" + Hub,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.UseEnvironment("Development");
    }

    /// <summary>The function a timer service runs (its only <see cref="TimerFunction"/> field: the constructor's).</summary>
    private static TimerFunction FunctionOf(TimerTriggerService service) =>
        (TimerFunction)typeof(TimerTriggerService).GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
            .Single(f => f.FieldType == typeof(TimerFunction)).GetValue(service)!;
}
