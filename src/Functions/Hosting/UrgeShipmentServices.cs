using System.ComponentModel.DataAnnotations;
using Azure.Core.Serialization;
using Azure.Data.Tables;
using Microsoft.Azure.Functions.Worker;
using UrgeShipment.Functions.Activities;
using UrgeShipment.Functions.Marketplaces;
using UrgeShipment.Functions.Projections;
using UrgeShipment.Functions.Security;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Hosting;

/// <summary>
/// Every service the functions use, registered in one place. Both hosts call it (src/Functions/Program.cs under the
/// Functions host, src/SelfHost/Program.cs on the Durable Task Framework), so the two never wire different apps.
/// </summary>
public static class UrgeShipmentServices
{
    public static IServiceCollection AddUrgeShipment(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment, HostJson hostJson)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var storage = StorageConnection.From(configuration);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = Http.Problems.Customize);
        var travel = configuration.GetValue<bool>("Clock:AllowTravel");
        if (environment.IsProduction() && travel)
        {
            throw new InvalidOperationException("Clock:AllowTravel must not be enabled in the Production environment.");
        }

        services.AddSingleton(hostJson);
        services.AddOptions<MarketplaceOptions>().Configure<IConfiguration>((options, config) =>
        {
            config.GetSection("Webhooks:Secrets").Bind(options.Secrets);
            config.GetSection("Marketplaces:PolicyFiles").Bind(options.PolicyFiles);
        });
        services.AddOptions<SellerOptions>().BindConfiguration("Sellers")
            .Validate(o => o.Accounts.All(a => a.ShopId.Length > 0 && a.AccountId.Length > 0 && a.ApiKeySha256.Length == 64 && a.ApiKeySha256.All(char.IsAsciiHexDigit)),
                "Every Sellers:Accounts entry needs ShopId, AccountId and a 64-hex-digit ApiKeySha256.")
            .ValidateOnStart();
        services.AddOptions<AdminOptions>().BindConfiguration("Admin").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OperatorOptions>().BindConfiguration("Operators")
            .Validate(o => o.Accounts.All(a => Validator.TryValidateObject(a, new ValidationContext(a), null, validateAllProperties: true)),
                "Every Operators:Accounts entry needs a Name (letters, digits, '.', '_', '-', ' ') and a 64-hex-digit ApiKeySha256.")
            .Validate(o => o.Accounts.Select(a => a.Name).Distinct(StringComparer.Ordinal).Count() == o.Accounts.Count, "Operator names must be unique.")
            .ValidateOnStart();
        services.AddOptions<ClockOptions>().BindConfiguration("Clock").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OperationsOptions>().BindConfiguration("Operations").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Http.RateLimitOptions>().BindConfiguration("RateLimits").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => Http.CallerRateLimits.Create(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Http.RateLimitOptions>>().Value));
        services.AddOptions<HttpOptions>().BindConfiguration("Http").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TicketSettings>().BindConfiguration("Orchestration").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WatchdogOptions>().BindConfiguration("Watchdog").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindConfiguration("Retention").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CompensationOptions>().BindConfiguration("Compensation")
            .Validate(o => o.GatewayUrl is null || (o.GatewayUrl.IsAbsoluteUri && o.GatewayUrl.Scheme is "http" or "https"), "Compensation:GatewayUrl must be an absolute http(s) URL.")
            .ValidateOnStart();
        services.AddOptions<NotificationOptions>().BindConfiguration("Notifications")
            .Validate(o => o.ChannelUrl is null || (o.ChannelUrl.IsAbsoluteUri && o.ChannelUrl.Scheme is "http" or "https"), "Notifications:ChannelUrl must be an absolute http(s) URL.")
            .ValidateOnStart();

        services.AddSingleton(new BusinessClock(TimeProvider.System));
        services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<BusinessClock>());
        services.AddSingleton<MarketplaceCatalog>();
        services.AddSingleton<Callers>();
        services.AddCallerAuthorization();
        services.AddUrgeShipmentTelemetry(configuration);

        var names = new StorageNames(hostJson.HubName);
        var counter = new StorageRequestCounter(names.Hub);
        services.AddSingleton(names);
        services.AddSingleton(counter);
        services.AddSingleton(storage);
        services.AddHealthChecks().AddCheck<StorageHealthCheck>(StorageHealthCheck.Name);
        services.AddSingleton(storage.Tables(counter.Count(new TableClientOptions(), "table")));
        services.AddSingleton<TicketTable>();
        services.AddSingleton<TicketIndex>();
        services.AddSingleton<ShopLedger>();
        services.AddSingleton<Outbox>();
        services.AddSingleton<SellerReminderCap>();
        services.AddSingleton<ShopStandingReader>();
        services.AddSingleton<WebhookDeliveries>();
        services.AddSingleton<CommandResults>();
        services.AddSingleton<TicketCommands>();
        // The effect activities' classes, also run by RecordTicket inside a transition (TicketSettings.EffectsInTransition).
        services.AddTransient<CompensationSettlement>();
        services.AddTransient<NoticeDelivery>();
        services.AddTransient<ComplaintFiling>();

        if (configuration["Compensation:GatewayUrl"] is { Length: > 0 })
        {
            services.AddHttpClient<ICompensationGateway, HttpCompensationGateway>(http => http.Timeout = TimeSpan.FromSeconds(10));
        }
        if (configuration["Notifications:ChannelUrl"] is { Length: > 0 })
        {
            services.AddHttpClient<INotificationChannel, HttpNotificationChannel>(http => http.Timeout = TimeSpan.FromSeconds(10));
        }
        else
        {
            services.AddSingleton<INotificationChannel, OutboxChannel>();
        }
        if (travel)
        {
            services.AddSingleton<DevClock>();
            services.AddHostedService(sp => sp.GetRequiredService<DevClock>());
        }
        services.AddHostedService<StorageSetup>();

        // Durable payloads as System.Text.Json with web defaults, as the self-host's data converter writes them.
        services.Configure<WorkerOptions>(options => options.Serializer = new JsonObjectSerializer(DurableJson.Options));
        return services;
    }
}

/// <summary>Creates UrgeShipment's tables at start (idempotent); a bad policy file stops the start here, naming its field.</summary>
public sealed class StorageSetup(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<MarketplaceCatalog>();
        await services.GetRequiredService<TicketTable>().EnsureCreatedAsync(cancellationToken);
        await services.GetRequiredService<TicketIndex>().EnsureCreatedAsync(cancellationToken);
        await services.GetRequiredService<ShopLedger>().EnsureCreatedAsync(cancellationToken);
        await services.GetRequiredService<Outbox>().EnsureCreatedAsync(cancellationToken);
        await services.GetRequiredService<SellerReminderCap>().EnsureCreatedAsync(cancellationToken);
        await services.GetRequiredService<WebhookDeliveries>().EnsureCreatedAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
