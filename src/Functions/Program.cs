using Azure.Data.Tables;
using Microsoft.AspNetCore.Diagnostics;
using UrgeShipment.Domain;
using UrgeShipment.Durable;
using UrgeShipment.Functions.Activities;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Functions.Http;
using UrgeShipment.Functions.Marketplaces;
using UrgeShipment.Functions.Projections;
using UrgeShipment.Functions.Security;
using UrgeShipment.Functions.Tickets;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddLocalSettings(builder.Environment.ContentRootPath, args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:7071");
}

var role = HostRole.Parse(builder.Configuration["Role"]);
var storage = builder.Configuration["AzureWebJobsStorage"]
    ?? throw new InvalidOperationException("AzureWebJobsStorage is not set: copy local.settings.sample.json to local.settings.json or set the environment variable.");
if (builder.Environment.IsProduction() && builder.Configuration.GetValue<bool>("Clock:AllowTravel"))
{
    throw new InvalidOperationException("Clock:AllowTravel must not be enabled in the Production environment.");
}

builder.Services.AddOptions<MarketplaceOptions>().Configure<IConfiguration>((options, config) =>
{
    config.GetSection("Webhooks:Secrets").Bind(options.Secrets);
    config.GetSection("Marketplaces:PolicyFiles").Bind(options.PolicyFiles);
});
builder.Services.AddOptions<SellerOptions>().BindConfiguration("Sellers")
    .Validate(o => o.Accounts.All(a => a.ShopId.Length > 0 && a.AccountId.Length > 0 && a.ApiKeySha256.Length == 64 && a.ApiKeySha256.All(char.IsAsciiHexDigit)),
        "Every Sellers:Accounts entry needs ShopId, AccountId and a 64-hex-digit ApiKeySha256.")
    .ValidateOnStart();
builder.Services.AddOptions<AdminOptions>().BindConfiguration("Admin").ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<ClockOptions>().BindConfiguration("Clock");

builder.Services.AddSingleton(new TravelingClock(TimeProvider.System));
builder.Services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<TravelingClock>());
builder.Services.AddSingleton<MarketplaceCatalog>();
builder.Services.AddSingleton<Callers>();
builder.Services.AddSingleton<MetricsText>();

var hub = builder.Configuration["Durable:HubName"] ?? "urgeship";
builder.Services.AddSingleton(new StorageNames(hub));
builder.Services.AddSingleton(sp => new TableServiceClient(storage,
    sp.GetRequiredService<StorageRequestCounter>().Count(new TableClientOptions(), "table")));
builder.Services.AddSingleton<TicketIndex>();
builder.Services.AddSingleton<ShopLedger>();
builder.Services.AddSingleton<Outbox>();
builder.Services.AddSingleton<IProjection<TicketState>>(sp => sp.GetRequiredService<TicketIndex>());
builder.Services.AddSingleton<IProjection<TicketState>>(sp => sp.GetRequiredService<ShopLedger>());
builder.Services.AddOptions<CompensationOptions>().BindConfiguration("Compensation");
builder.Services.AddOptions<NotificationOptions>().BindConfiguration("Notifications");
builder.Services.AddOptions<RetentionOptions>().BindConfiguration("Retention");
if (builder.Configuration["Compensation:GatewayUrl"] is { Length: > 0 })
{
    builder.Services.AddHttpClient<ICompensationGateway, HttpCompensationGateway>(http => http.Timeout = TimeSpan.FromSeconds(10));
}
else
{
    builder.Services.AddSingleton<ICompensationGateway, LedgerGateway>();
}
if (builder.Configuration["Notifications:ChannelUrl"] is { Length: > 0 })
{
    builder.Services.AddHttpClient<INotificationChannel, HttpNotificationChannel>(http => http.Timeout = TimeSpan.FromSeconds(10));
}
else
{
    builder.Services.AddSingleton<INotificationChannel, OutboxChannel>();
}
builder.Services.AddSingleton<SellerReminderCap>();
builder.Services.AddSingleton<ShopStandingReader>();
builder.Services.AddSingleton<TicketRetention>();
if (role.RunsWorkers)
{
    builder.Services.AddHostedService(sp => sp.GetRequiredService<TicketRetention>());
}
builder.Services.AddSingleton<IActivityHandler, CompensationSettlement>();
builder.Services.AddSingleton<IActivityHandler, NoticeDelivery>();
builder.Services.AddSingleton<IActivityHandler, ComplaintFiling>();

var hostJson = LocalSettings.FindHostJson(builder.Configuration, builder.Environment.ContentRootPath);
builder.Services.AddDurableRuntime<TicketState, TicketCommand, TicketEvent, TicketWorkflow>(options =>
{
    options.ConnectionString = storage;
    options.HubName = hub;
    options.Json = TicketJson.Storage;
    options.RunListeners = role.RunsWorkers;
    if (hostJson is not null)
    {
        options.Queues = HostJson.ReadQueueOptions(hostJson);
    }
    if (builder.Configuration.GetValue<TimeSpan?>("Durable:MaxTimerChunk") is { } chunk)
    {
        options.MaxTimerChunk = chunk;
    }
    if (builder.Configuration.GetValue<bool>("Durable:PollOnRealTime"))
    {
        options.SleepTimeProvider = TimeProvider.System; // business time may be a test's fake clock; polling stays real
    }
    if (builder.Configuration.GetValue<TimeSpan?>("Durable:SweepInterval") is { } sweep)
    {
        options.SweepInterval = sweep;
    }
});
builder.Services.AddSingleton<TicketStore>();

builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();

var app = builder.Build();
app.Services.GetRequiredService<MetricsText>(); // listen from the start, not from the first scrape
app.Services.GetRequiredService<MarketplaceCatalog>(); // a bad policy file stops the start, naming its field

app.UseExceptionHandler(new ExceptionHandlerOptions
{
    StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
});
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();

app.MapOpenApi();
app.MapOperations();
if (role.ServesHttp)
{
    app.MapWebhooks();
    app.MapTickets();
    app.MapShops();
    app.MapOperator();
}

await app.Services.GetRequiredService<TicketStore>().Runtime.EnsureCreatedAsync(CancellationToken.None);
await app.Services.GetRequiredService<TicketIndex>().EnsureCreatedAsync(CancellationToken.None);
await app.Services.GetRequiredService<ShopLedger>().EnsureCreatedAsync(CancellationToken.None);
await app.Services.GetRequiredService<Outbox>().EnsureCreatedAsync(CancellationToken.None);
await app.Services.GetRequiredService<SellerReminderCap>().EnsureCreatedAsync(CancellationToken.None);

await app.RunAsync();

/// <summary>The entry point, visible to the end-to-end tests' WebApplicationFactory.</summary>
public partial class Program;
