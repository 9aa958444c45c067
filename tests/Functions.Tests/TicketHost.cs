using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>One Azurite for the whole end-to-end assembly.</summary>
[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "host";
}

/// <summary>
/// The real app, self-hosted (src/SelfHost: the Durable Task Framework on its Azure Storage backend) on a real Azurite,
/// with its own task hub so tests never share state, and the dev clock on: business time is real time plus the offset
/// that <see cref="AdvanceClockAsync"/> moves, and every lapse travels the real path (the ticket's durable timer).
/// </summary>
public sealed class TicketHost : WebApplicationFactory<UrgeShipment.SelfHost.Program>, IApp
{
    public const string AdminKey = "test-admin-key";
    public const string SellerKey = "test-seller-key";
    public const string ReadOnlySellerKey = "test-readonly-key";
    public const string OtherSellerKey = "test-other-seller-key";
    public const string ShopCSellerKey = "test-shop-c-seller-key";

    /// <summary>The personal key of operator li.wei (operator commands, every shop's tickets).</summary>
    public const string OperatorKey = "test-operator-key";
    public const string OperatorName = "li.wei";
    public const string Shop = "shop-a";
    public const string OtherShop = "shop-b";

    public static readonly IReadOnlyDictionary<string, string> Secrets = new Dictionary<string, string>
    {
        ["xiaohongshu"] = "secret-xhs", ["taobao"] = "secret-tb", ["tmall"] = "secret-tm", ["pinduoduo"] = "secret-pdd",
    };

    private readonly string _connectionString;
    private readonly IReadOnlyDictionary<string, string?> _extra;

    public TicketHost(AzuriteServer azurite, IReadOnlyDictionary<string, string?>? extra = null, string? hub = null)
    {
        _connectionString = azurite.ConnectionString;
        _extra = extra ?? new Dictionary<string, string?>();
        Hub = hub ?? "t" + Guid.NewGuid().ToString("N")[..12];
    }

    public string Hub { get; }

    /// <summary>The host's business time (real time plus the dev-clock offset).</summary>
    public DateTimeOffset Now => Services.GetRequiredService<BusinessClock>().GetUtcNow();

    public static IReadOnlyDictionary<string, string?> Settings(string connectionString, string hub) => new Dictionary<string, string?>
    {
        ["LocalSettingsPath"] = "/nonexistent/local.settings.json",
        ["RateLimits:PermitsPerMinute"] = "1000000", // the tests poll; RateLimitTests sets its own
        ["AzureWebJobsStorage"] = connectionString,
        ["AzureFunctionsJobHost:extensions:durableTask:hubName"] = hub,
        // Faster than shipped (1 s) so a test waits milliseconds: the pitfall tests run the shipped settings.
        ["AzureFunctionsJobHost:extensions:durableTask:storageProvider:maxQueuePollingInterval"] = "00:00:00.250",
        ["Durable:WorkerId"] = "test-" + hub,
        ["Clock:AllowTravel"] = "true",
        ["Orchestration:ActivityMaxAttempts"] = "3",
        ["Orchestration:ActivityFirstRetry"] = "00:00:00.200",
        ["Orchestration:ActivityMaxRetry"] = "00:00:01",
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
        ["Operators:Accounts:0:Name"] = OperatorName,
        ["Operators:Accounts:0:ApiKeySha256"] = Sha(OperatorKey),
        ["Sellers:Accounts:3:ShopId"] = "shop-c",
        ["Sellers:Accounts:3:AccountId"] = "ops-c",
        ["Sellers:Accounts:3:ApiKeySha256"] = Sha(ShopCSellerKey),
        ["Sellers:Accounts:3:Permissions"] = "tickets.read,tickets.reply",
        ["Webhooks:Secrets:xiaohongshu"] = Secrets["xiaohongshu"],
        ["Webhooks:Secrets:taobao"] = Secrets["taobao"],
        ["Webhooks:Secrets:tmall"] = Secrets["tmall"],
        ["Webhooks:Secrets:pinduoduo"] = Secrets["pinduoduo"],
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>(Settings(_connectionString, Hub));
        foreach (var (key, value) in _extra)
        {
            settings[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.UseEnvironment("Development");
    }

    public static string Sha(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Waits (bounded) until the ticket's orchestration has finished (closed after completion).</summary>
    public async Task FinishedAsync(string ticketId)
    {
        var client = Services.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await client.GetInstanceAsync(ticketId) is { IsCompleted: false })
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"{ticketId}'s orchestration did not finish.");
            await Task.Delay(100);
        }
    }

}
