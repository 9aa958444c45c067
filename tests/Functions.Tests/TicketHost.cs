using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>One Azurite for the whole end-to-end assembly.</summary>
[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "host";
}

/// <summary>
/// The real host (all roles: HTTP and queue functions) on a real Azurite, with a fake clock that business time
/// reads (listeners poll on real time), a short timer chunk, and its own storage hub so tests never share state.
/// </summary>
public sealed class TicketHost : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key";
    public const string SellerKey = "test-seller-key";
    public const string ReadOnlySellerKey = "test-readonly-key";
    public const string OtherSellerKey = "test-other-seller-key";
    public const string Shop = "shop-a";
    public const string OtherShop = "shop-b";

    public static readonly IReadOnlyDictionary<string, string> Secrets = new Dictionary<string, string>
    {
        ["xiaohongshu"] = "secret-xhs", ["taobao"] = "secret-tb", ["tmall"] = "secret-tm", ["pinduoduo"] = "secret-pdd",
    };

    private readonly string _connectionString;
    private readonly IReadOnlyDictionary<string, string?> _extra;
    private readonly bool _useFakeClock;
    private readonly string _hostJson = WriteHostJson();

    /// <param name="useFakeClock">False: the host keeps its own (dev-travelling) clock, for dev-clock tests.</param>
    public TicketHost(AzuriteServer azurite, IReadOnlyDictionary<string, string?>? extra = null, bool useFakeClock = true)
    {
        _connectionString = azurite.ConnectionString;
        _extra = extra ?? new Dictionary<string, string?>();
        _useFakeClock = useFakeClock;
        Hub = "t" + Guid.NewGuid().ToString("N")[..12];
    }

    /// <summary>Business time: 2026-11-23 10:00 Shanghai unless a test moves it.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero));

    public string Hub { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["LocalSettingsPath"] = "/nonexistent/local.settings.json",
            ["AzureWebJobsStorage"] = _connectionString,
            ["Durable:HubName"] = Hub,
            ["Durable:MaxTimerChunk"] = "00:00:00.500",
            ["Durable:SweepInterval"] = "00:00:01",
            ["Durable:PollOnRealTime"] = "true",
            ["HostJsonPath"] = _hostJson,
            ["Admin:ApiKeySha256"] = Sha(AdminKey),
            ["Sellers:Accounts:0:ShopId"] = Shop,
            ["Sellers:Accounts:0:AccountId"] = "ops-a",
            ["Sellers:Accounts:0:ApiKeySha256"] = Sha(SellerKey),
            ["Sellers:Accounts:0:Permissions"] = "tickets.read,tickets.reply",
            ["Sellers:Accounts:1:ShopId"] = Shop,
            ["Sellers:Accounts:1:AccountId"] = "viewer-a",
            ["Sellers:Accounts:1:ApiKeySha256"] = Sha(ReadOnlySellerKey),
            ["Sellers:Accounts:1:Permissions"] = "tickets.read",
            ["Sellers:Accounts:2:ShopId"] = OtherShop,
            ["Sellers:Accounts:2:AccountId"] = "ops-b",
            ["Sellers:Accounts:2:ApiKeySha256"] = Sha(OtherSellerKey),
            ["Sellers:Accounts:2:Permissions"] = "tickets.read,tickets.reply",
        };
        foreach (var (marketplace, secret) in Secrets)
        {
            settings[$"Webhooks:Secrets:{marketplace}"] = secret;
        }
        foreach (var (key, value) in _extra)
        {
            settings[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.UseEnvironment("Development");
        if (_useFakeClock)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        }
    }

    /// <summary>host.json as in production, with the listeners polling fast so a test waits milliseconds, not seconds.</summary>
    private static string WriteHostJson()
    {
        var path = Path.Combine(Path.GetTempPath(), "urgeship-host-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """
            { "version": "2.0", "extensions": { "queues": {
              "batchSize": 16, "newBatchThreshold": 8, "maxPollingInterval": "00:00:00.200",
              "visibilityTimeout": "00:00:00.100", "maxDequeueCount": 3 } } }
            """);
        return path;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        File.Delete(_hostJson);
    }

    public static string Sha(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public HttpClient As(string? apiKey)
    {
        var client = CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        return client;
    }

    /// <summary>Sends a correctly signed webhook (unless told otherwise) stamped with the fake clock.</summary>
    public async Task<HttpResponseMessage> WebhookAsync(string marketplace, object body, string? eventId = null, string? secret = null,
        DateTimeOffset? timestamp = null, string? signature = null)
    {
        var json = body as string ?? JsonSerializer.Serialize(body);
        var ts = (timestamp ?? Clock.GetUtcNow()).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/{marketplace}")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Event-Id", eventId ?? Guid.NewGuid().ToString("N"));
        request.Headers.Add("X-Timestamp", ts);
        var key = secret ?? Secrets.GetValueOrDefault(marketplace) ?? "none";
        request.Headers.Add("X-Signature", signature ?? Security.WebhookSignature.Sign(key, ts, Encoding.UTF8.GetBytes(json)));
        using var client = CreateClient();
        return await client.SendAsync(request);
    }

    /// <summary>Posts and reads the JSON answer of a webhook that must succeed.</summary>
    public async Task<JsonObject> WebhookOkAsync(string marketplace, object body, string? eventId = null, DateTimeOffset? timestamp = null)
    {
        using var response = await WebhookAsync(marketplace, body, eventId, timestamp: timestamp);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"webhook answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonObject?> TicketAsync(string ticketId, string apiKey = AdminKey)
    {
        using var client = As(apiKey);
        using var response = await client.GetAsync($"/api/tickets/{ticketId}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET ticket answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<(int Status, JsonObject Body)> ReplyAsync(string ticketId, object body, string apiKey = SellerKey, string? idempotencyKey = null)
    {
        using var client = As(apiKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tickets/{ticketId}/reply") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>
    /// Moves business time forward, then waits (real time, bounded) until <paramref name="done"/> holds for the
    /// ticket: the lapse travels the real path (timer message re-checked on arrival, sweeper as safety net).
    /// </summary>
    public async Task<JsonObject> AdvanceUntilAsync(string ticketId, TimeSpan by, Func<JsonObject, bool> done, TimeSpan? timeout = null)
    {
        Clock.Advance(by);
        var waited = System.Diagnostics.Stopwatch.StartNew(); // real time: only the bound of this wait
        JsonObject? ticket = null;
        while (waited.Elapsed < (timeout ?? TimeSpan.FromSeconds(20)))
        {
            ticket = await TicketAsync(ticketId);
            if (ticket is not null && done(ticket))
            {
                return ticket;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"Condition not reached for {ticketId}; last view: {ticket?.ToJsonString()}");
        return ticket!;
    }

    /// <summary>The ticket once no activity is pending (notices delivered, compensations settled): its version is then stable.</summary>
    public Task<JsonObject> SettledAsync(string ticketId) =>
        WaitUntilAsync(ticketId, t => t["work"]!.AsArray().All(w => (string?)w!["status"] != "pending"));

    public async Task<JsonObject> WaitUntilAsync(string ticketId, Func<JsonObject, bool> done, TimeSpan? timeout = null) =>
        await AdvanceUntilAsync(ticketId, TimeSpan.Zero, done, timeout);
}
