using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Moq;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Functions.Marketplaces;
using UrgeShipment.Functions.Tickets;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests.Unit;

/// <summary>
/// The app's services (<see cref="UrgeShipmentServices.AddUrgeShipment"/>) on the shared Azurite, in a task hub of
/// their own, with business time stopped at <see cref="Now"/>; no Durable Task worker runs: a test hands each function
/// a <see cref="Mock{DurableTaskClient}"/> and plays the orchestration's part itself (writing the ticket table).
/// </summary>
internal sealed class FunctionHarness : IAsyncDisposable
{
    /// <summary>Business time of every harness: stopped, so nothing depends on the wall clock.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 10, 2, 0, 0, TimeSpan.Zero);

    public const string Marketplace = "xiaohongshu";

    private readonly ServiceProvider _services;
    private readonly List<AsyncServiceScope> _scopes = [];

    private FunctionHarness(ServiceProvider services, string hub)
    {
        _services = services;
        Hub = hub;
    }

    public string Hub { get; }

    public IServiceProvider Services => _services;

    public TicketTable Tickets => _services.GetRequiredService<TicketTable>();

    /// <summary>Builds the services, then runs <see cref="StorageSetup"/> once (the hub's tables).</summary>
    public static async Task<FunctionHarness> StartAsync(AzuriteServer azurite, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var hub = AzuriteServer.UniqueName("unit");
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["AzureFunctionsJobHost:extensions:durableTask:hubName"] = hub,
            ["Http:CommandWait"] = "00:00:05",
            ["Admin:ApiKeySha256"] = TicketHost.Sha(TicketHost.AdminKey),
            ["Sellers:Accounts:0:ShopId"] = TicketHost.Shop,
            ["Sellers:Accounts:0:AccountId"] = "ops-a",
            ["Sellers:Accounts:0:ApiKeySha256"] = TicketHost.Sha(TicketHost.SellerKey),
            ["Operators:Accounts:0:Name"] = TicketHost.OperatorName,
            ["Operators:Accounts:0:ApiKeySha256"] = TicketHost.Sha(TicketHost.OperatorKey),
            ["Sellers:Accounts:0:Permissions"] = "tickets.read,tickets.reply",
            ["Sellers:Accounts:1:ShopId"] = TicketHost.Shop,
            ["Sellers:Accounts:1:AccountId"] = "viewer-a",
            ["Sellers:Accounts:1:ApiKeySha256"] = TicketHost.Sha(TicketHost.ReadOnlySellerKey),
            ["Sellers:Accounts:1:Permissions"] = "tickets.read",
            ["Sellers:Accounts:2:ShopId"] = TicketHost.OtherShop,
            ["Sellers:Accounts:2:AccountId"] = "ops-b",
            ["Sellers:Accounts:2:ApiKeySha256"] = TicketHost.Sha(TicketHost.OtherSellerKey),
            ["Sellers:Accounts:2:Permissions"] = "tickets.read,tickets.reply",
        };
        foreach (var (marketplace, secret) in TicketHost.Secrets)
        {
            settings["Webhooks:Secrets:" + marketplace] = secret;
        }
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var hostJson = HostJson.Parse("{\"extensions\":{\"http\":{\"routePrefix\":\"\"}}}", configuration);

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddUrgeShipment(configuration, new UnitEnvironment(), hostJson);
        // Business time stopped at Now (the last registration wins; TimeProvider resolves to it).
        services.AddSingleton(new BusinessClock(new StoppedClock(Now)));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        try
        {
            Assert.Equal(hub, provider.GetRequiredService<HostJson>().HubName);
            await provider.GetServices<IHostedService>().OfType<StorageSetup>().Single().StartAsync(CancellationToken.None);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
        return new FunctionHarness(provider, hub);
    }

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    /// <summary>A function class as the worker creates it: its constructor's services from the container, plus <paramref name="parameters"/>.</summary>
    public T Create<T>(params object[] parameters) => ActivatorUtilities.CreateInstance<T>(_services, parameters);

    /// <summary>A client on which every call is recorded; loose, so an unset call answers null / a completed task.</summary>
    public static Mock<DurableTaskClient> Client() => new(MockBehavior.Loose, "unit");

    /// <summary>The client sees a running instance for <paramref name="ticketId"/>.</summary>
    public static void Running(Mock<DurableTaskClient> client, string ticketId) =>
        client.Setup(c => c.GetInstanceAsync(ticketId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new OrchestrationMetadata(nameof(TicketOrchestrator), ticketId) { RuntimeStatus = OrchestrationRuntimeStatus.Running });

    /// <summary>An HTTP request as the Functions ASP.NET Core integration hands it to a function.</summary>
    public HttpRequest Request(string method, string path, string? body = null, string? apiKey = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var scope = _services.CreateAsyncScope(); // per request, as the host scopes one (authentication's services are scoped)
        _scopes.Add(scope);
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var request = context.Request;
        request.Method = method;
        request.Path = path;
        if (apiKey is not null)
        {
            request.Headers.Authorization = "Bearer " + apiKey;
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers[name] = value;
        }
        var bytes = Encoding.UTF8.GetBytes(body ?? "");
        request.Body = new MemoryStream(bytes);
        request.ContentLength = bytes.Length;
        request.ContentType = "application/json";
        return request;
    }

    /// <summary>A webhook signed as the marketplace signs it, stamped with business time.</summary>
    public HttpRequest Webhook(string marketplace, JsonNode body, string eventId)
    {
        var json = body.ToJsonString();
        var timestamp = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return Request("POST", "/api/webhooks/" + marketplace, json, headers: new Dictionary<string, string>
        {
            ["X-Event-Id"] = eventId,
            ["X-Timestamp"] = timestamp,
            ["X-Signature"] = Security.WebhookSignature.Sign(TicketHost.Secrets[marketplace], timestamp, Encoding.UTF8.GetBytes(json)),
        });
    }

    /// <summary>
    /// Calls an HTTP function as the host does: authentication and the function's <c>[Authorize]</c> policy first
    /// (<see cref="Security.FunctionAuthorization"/>, as <see cref="Security.AuthorizedCalls"/> runs it under the Functions host),
    /// then the function, unless the policy refused; then its result.
    /// </summary>
    public async Task<Answer> CallAsync(HttpRequest request, string function, Func<Task<IResult>> call)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(call);
        var refusal = await Get<Security.FunctionAuthorization>().AuthorizeAsync(request.HttpContext, function);
        return await RunAsync(refusal ?? await call());
    }

    /// <summary>Executes a function's result the way the host does, and reads what it wrote.</summary>
    public async Task<Answer> RunAsync(IResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var context = new DefaultHttpContext { RequestServices = _services };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        var text = Encoding.UTF8.GetString(body.ToArray());
        var location = context.Response.Headers.Location.ToString();
        return new Answer(context.Response.StatusCode, location.Length > 0 ? location : null, text.Length > 0 ? JsonNode.Parse(text)!.AsObject() : null, text);
    }

    /// <summary>
    /// An order as the urge webhook describes it (<see cref="Payloads.Urge"/>: SKU-1 ×2, SKU-2 ×1, paid three days before
    /// <see cref="Now"/>), in <see cref="TicketHost.Shop"/>.
    /// </summary>
    public static Order AnOrder(string orderId, string shopId = TicketHost.Shop) => new(
        orderId, shopId, "buyer-1", Money.Of(199.00m), Now.AddDays(-3), null,
        [new OrderLine("SKU-1", 2), new OrderLine("SKU-2", 1)], [], false, false, Presale.None, false, null, false);

    /// <summary>
    /// Writes a ticket the way the orchestration records it: the state and history the decider makes of an urge at
    /// <see cref="Now"/> (awaiting the seller's reply), then <paramref name="then"/> applied in turn.
    /// </summary>
    public async Task<Seeded> OpenTicketAsync(string orderId, string marketplace = Marketplace, string shopId = TicketHost.Shop, params TicketCommand[] then)
    {
        var ticketId = TicketIds.For(marketplace, orderId);
        var policy = Get<MarketplaceCatalog>().PolicyAt(marketplace, Now)!;
        var state = TicketState.Initial;
        var history = new List<RecordedEvent>();
        var commands = new List<TicketCommand> { new Domain.UrgeShipment(AnOrder(orderId, shopId), policy, Now, Now) };
        commands.AddRange(then);
        for (var i = 0; i < commands.Count; i++)
        {
            (state, var events) = Play(state, history.Count, $"seed:{i}", commands[i]);
            history.AddRange(events);
        }
        await Tickets.WriteAsync(new TicketRecord(ticketId, history.Count, state, history, []), CancellationToken.None);
        return new Seeded(ticketId, history.Count, state);
    }

    /// <summary>The decider's transition for an accepted command, numbered on from <paramref name="version"/> as the orchestration records it.</summary>
    public static (TicketState State, IReadOnlyList<RecordedEvent> Events) Play(TicketState state, long version, string commandId, TicketCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var accepted = Assert.IsType<Decision.Accepted>(TicketDecider.Decide(state, command));
        var events = new List<RecordedEvent>(accepted.Events.Count);
        foreach (var change in accepted.Events)
        {
            state = TicketDecider.Evolve(state, change);
            events.Add(new RecordedEvent(version + events.Count + 1, command.Now, commandId, change));
        }
        return (state, events);
    }

    /// <summary>
    /// Plays the orchestration for one command: decides it against <paramref name="ticket"/>, records the transition and
    /// the command's result (applied, or refused for the signal's attempt) in the ticket table.
    /// </summary>
    public async Task<CommandResult> ApplyAsync(Seeded ticket, CommandSignal signal)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(signal);
        var command = signal.Command with { Now = Now };
        CommandResult result;
        TicketRecord record;
        switch (TicketDecider.Decide(ticket.State, command))
        {
            case Decision.Accepted accepted:
                var state = ticket.State;
                var events = new List<RecordedEvent>();
                foreach (var change in accepted.Events)
                {
                    state = TicketDecider.Evolve(state, change);
                    events.Add(new RecordedEvent(ticket.Version + events.Count + 1, Now, signal.CommandId, change));
                }
                var answer = WebhookOutcomes.Describe(ticket.TicketId, events);
                result = new CommandResult(signal.CommandId, signal.Attempt, true, null, null, ticket.Version + events.Count, answer.Outcome, answer.Reason);
                record = new TicketRecord(ticket.TicketId, ticket.Version + events.Count, state, events, [result]);
                break;
            case Decision.Rejected rejected:
                result = new CommandResult(signal.CommandId, signal.Attempt, false, rejected.Code, rejected.Detail, ticket.Version, null, null);
                record = new TicketRecord(ticket.TicketId, ticket.Version, ticket.State, [], [result]);
                break;
            default:
                throw new InvalidOperationException("A decision is accepted or rejected.");
        }
        await Tickets.WriteAsync(record, CancellationToken.None);
        return result;
    }

    /// <summary>Records only a command's result (the ticket's state unchanged), as the orchestration does for a refusal.</summary>
    public Task RecordResultAsync(Seeded ticket, CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return Tickets.WriteAsync(new TicketRecord(ticket.TicketId, ticket.Version, ticket.State, [], [result]), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var scope in _scopes)
        {
            await scope.DisposeAsync();
        }
        await _services.DisposeAsync();
    }

    private sealed class UnitEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Development;

        public string ApplicationName { get; set; } = "UrgeShipment.Functions.Tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}

/// <summary>A ticket written to the table by <see cref="FunctionHarness.OpenTicketAsync"/>.</summary>
internal sealed record Seeded(string TicketId, long Version, TicketState State);

/// <summary>What a function's result wrote: status, <c>Location</c>, and the JSON body.</summary>
internal sealed record Answer(int Status, string? Location, JsonObject? Body, string Text)
{
    public string? Code => (string?)Body?["code"];

    /// <summary>The field names of a validation problem's <c>errors</c>.</summary>
    public IReadOnlyList<string> Fields => Body?["errors"] is JsonObject errors ? [.. errors.Select(e => e.Key)] : [];
}

/// <summary>A clock that stands still (business time in these tests); timers still run on real time.</summary>
internal sealed class StoppedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
