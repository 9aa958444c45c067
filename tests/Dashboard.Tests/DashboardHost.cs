using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Dashboard.Tests;

/// <summary>
/// The REAL host process (the built self-host, UrgeShipment.SelfHost.dll, as an operator runs it) on a real Azurite, with a
/// unique hub, an admin key, two seller accounts and a read-only seller account (shop C, tickets.read only); plus one headless Debian Chromium driven by Playwright.
/// Shared by every dashboard test (one start, ~5 s); each test opens its own browser context (fresh sessionStorage).
/// </summary>
public sealed class DashboardHost : IAsyncLifetime
{
    public const string AdminKey = "dash-admin-key";
    public const string OperatorKey = "dash-operator-key";
    public const string OperatorName = "wang.fang";
    public const string SellerAKey = "dash-seller-a-key";
    public const string SellerBKey = "dash-seller-b-key";
    /// <summary>A seller key with tickets.read only (no tickets.reply), on shop C: no seeded tickets, tests open their own.</summary>
    public const string SellerReadOnlyKey = "dash-seller-c-readonly-key";
    public const string ShopA = "shop-a";
    public const string ShopB = "shop-b";
    public const string ShopC = "shop-c";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static readonly IReadOnlyDictionary<string, string> Secrets = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["xiaohongshu"] = "dash-secret-xhs", ["taobao"] = "dash-secret-tb", ["tmall"] = "dash-secret-tm", ["pinduoduo"] = "dash-secret-pdd",
    };

    private readonly List<string> _output = [];
    private readonly Lock _gate = new();
    private AzuriteServer? _azurite;
    private Process? _host;
    private IPlaywright? _playwright;

    public string BaseUrl { get; private set; } = "";

    public HttpClient Http { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Screenshots of every test run (test output, not committed).</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    /// <summary>The seeded tickets every test may look at (ticket ids by order id).</summary>
    public Dictionary<string, string> Seeded { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync(); // never leave a host or an Azurite behind a failed start
            throw;
        }
    }

    private async Task StartAsync()
    {
        _azurite = new AzuriteServer();
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        StartHost(port);
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        await WaitForHealthAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });

        await SeedAsync();
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
            Browser = null!;
        }
        _playwright?.Dispose();
        _playwright = null;
        Http?.Dispose();
        Http = null!;
        if (_host is not null)
        {
            try
            {
                if (!_host.HasExited)
                {
                    _host.Kill(entireProcessTree: true);
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await _host.WaitForExitAsync(timeout.Token);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
            {
                // already gone, or it will be reaped with the test process
            }
            _host.Dispose();
            _host = null;
        }
        _azurite?.Dispose();
        _azurite = null;
    }

    /// <summary>Shop A: urgent (&lt; 1 h), soon (&lt; 4 h) and fresh (24 h) tickets on three marketplaces; shop B: two of its own.</summary>
    private async Task SeedAsync()
    {
        var now = await ServerNowAsync();
        Seeded["a-urgent"] = await OpenTicketAsync("xiaohongshu", ShopA, "a-urgent", now, "388.88");
        Seeded["a-soon"] = await OpenTicketAsync("taobao", ShopA, "a-soon", now);
        Seeded["a-fresh"] = await OpenTicketAsync("tmall", ShopA, "a-fresh", now, "59.90");
        Seeded["a-nostock"] = await OpenTicketAsync("xiaohongshu", ShopA, "a-nostock", now);
        Seeded["b-secret-order"] = await OpenTicketAsync("xiaohongshu", ShopB, "b-secret-order", now, "2999.00");
        Seeded["b-second"] = await OpenTicketAsync("pinduoduo", ShopB, "b-second", now);
        await ReplyAsync(SellerAKey, Seeded["a-urgent"], new JsonObject { ["kind"] = "delay", ["shipBy"] = Iso(now.AddMinutes(35)) });
        await ReplyAsync(SellerAKey, Seeded["a-soon"], new JsonObject { ["kind"] = "delay", ["shipBy"] = Iso(now.AddHours(3)) });
        await ReplyAsync(SellerAKey, Seeded["a-nostock"], new JsonObject { ["kind"] = "cannot_ship", ["reason"] = "SKU-1 is out of stock" });
        string[] executing = [Seeded["a-urgent"], Seeded["a-soon"]];
        await WaitForListingAsync(AdminKey, Seeded.Values,
            t => !executing.Contains((string?)t["ticketId"]) || (string?)t["state"] == "awaiting_seller_execution");
        await WaitForAsync($"/api/shops/{ShopA}/ledger", AdminKey, ledger => (string?)ledger["total"] == "9.95");
    }

    public async Task<DateTimeOffset> ServerNowAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/dev/clock");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return DateTimeOffset.Parse(body["now"]!.GetValue<string>(), CultureInfo.InvariantCulture);
    }

    /// <summary>A signed <c>buyer.urged</c> webhook for an order paid 3 days ago; returns the opened ticket's id.</summary>
    public async Task<string> OpenTicketAsync(string marketplace, string shopId, string orderId, DateTimeOffset now, string paid = "199.00")
    {
        var body = new JsonObject
        {
            ["type"] = "buyer.urged",
            ["occurredAt"] = Iso(now),
            ["order"] = new JsonObject
            {
                ["orderId"] = orderId, ["shopId"] = shopId, ["buyerId"] = "buyer-" + orderId, ["paidAmount"] = paid, ["currency"] = "CNY",
                ["paidAt"] = Iso(now.AddDays(-3)), ["items"] = new JsonArray(new JsonObject { ["sku"] = "SKU-1", ["qty"] = 1 }),
            },
        }.ToJsonString();
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secrets[marketplace]), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/{marketplace}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Event-Id", "ev-" + Guid.NewGuid().ToString("N"));
        request.Headers.Add("X-Timestamp", timestamp);
        request.Headers.Add("X-Signature", "sha256=" + signature);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"webhook {marketplace}/{orderId}: {(int)response.StatusCode} {text}");
        var answer = JsonNode.Parse(text)!;
        Assert.Equal("ticket_opened", (string?)answer["outcome"]);
        return answer["ticketId"]!.GetValue<string>();
    }

    public async Task ReplyAsync(string key, string ticketId, JsonObject reply)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tickets/{ticketId}/reply")
        {
            Content = new StringContent(reply.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"reply {ticketId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>An operator command (the operator's personal key) as the API takes it, e.g. <c>pause</c> with a reason.</summary>
    public async Task OperatorAsync(string ticketId, string action, string why)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tickets/{ticketId}/operator/{action}")
        {
            Content = new StringContent(new JsonObject { ["why"] = why }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OperatorKey);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"operator {action} {ticketId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The listing is a projection (eventually consistent): wait until it shows every ticket as expected.</summary>
    public async Task WaitForListingAsync(string key, IEnumerable<string> ticketIds, Func<JsonNode, bool> ready)
    {
        var wanted = ticketIds.ToHashSet(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/tickets?limit=200");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await Http.SendAsync(request);
            var items = JsonNode.Parse(await response.Content.ReadAsStringAsync())?["items"]?.AsArray() ?? [];
            var seen = items.Where(i => i is not null && wanted.Contains(i["ticketId"]!.GetValue<string>()) && ready(i)).Count();
            if (seen == wanted.Count)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The listing shows {seen} of {wanted.Count} seeded tickets as expected.{Environment.NewLine}{HostOutput()}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Polls a GET until its JSON answer satisfies <paramref name="ready"/> (projections are eventually consistent).</summary>
    public async Task WaitForAsync(string path, string key, Func<JsonNode, bool> ready)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await Http.SendAsync(request);
            last = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode && JsonNode.Parse(last) is { } node && ready(node))
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"GET {path} never became ready; last answer: {last}{Environment.NewLine}{HostOutput()}");
    }

    /// <summary>A fresh browser context (its own sessionStorage and localStorage) in Shanghai time.</summary>
    public Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 860, string locale = "zh-CN") =>
        Browser.NewContextAsync(new()
        {
            BaseURL = BaseUrl,
            ViewportSize = new() { Width = width, Height = height },
            Locale = locale,
            TimezoneId = "Asia/Shanghai",
            ServiceWorkers = ServiceWorkerPolicy.Block,
        });

    public static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    public string HostOutput()
    {
        lock (_gate)
        {
            return "Host output (last lines):" + Environment.NewLine + string.Join(Environment.NewLine, _output.TakeLast(60));
        }
    }

    private void StartHost(int port)
    {
        // DASHBOARD_HOST_DLL: run the pages against another build of the self-host (its pages come with it).
        var dll = Environment.GetEnvironmentVariable("DASHBOARD_HOST_DLL") is { Length: > 0 } other
            ? other
            : Path.Combine(RepositoryRoot, "src", "SelfHost", "bin", "Debug", "net10.0", "UrgeShipment.SelfHost.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"'{dll}' does not exist: build the solution first (dotnet build).");
        }
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot,
        };
        foreach (var argument in new[] { dll, "--contentRoot", RepositoryRoot, "--urls", BaseUrl })
        {
            start.ArgumentList.Add(argument);
        }
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AzureWebJobsStorage"] = _azurite!.ConnectionString,
            ["LocalSettingsPath"] = "/nonexistent",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = BaseUrl,
            ["Clock__AllowTravel"] = "true",
            ["AzureFunctionsJobHost__extensions__durableTask__hubName"] = AzuriteServer.UniqueName("dash"),
            ["AzureFunctionsJobHost__extensions__durableTask__storageProvider__maxQueuePollingInterval"] = "00:00:00.250",
            ["Admin__ApiKeySha256"] = Sha(AdminKey),
            ["RateLimits__PermitsPerMinute"] = "1000000",
            ["Operators__Accounts__0__Name"] = OperatorName,
            ["Operators__Accounts__0__ApiKeySha256"] = Sha(OperatorKey),
            ["Sellers__Accounts__0__ShopId"] = ShopA,
            ["Sellers__Accounts__0__AccountId"] = "seller-a",
            ["Sellers__Accounts__0__ApiKeySha256"] = Sha(SellerAKey),
            ["Sellers__Accounts__0__Permissions"] = "tickets.read,tickets.reply",
            ["Sellers__Accounts__1__ShopId"] = ShopB,
            ["Sellers__Accounts__1__AccountId"] = "seller-b",
            ["Sellers__Accounts__1__ApiKeySha256"] = Sha(SellerBKey),
            ["Sellers__Accounts__1__Permissions"] = "tickets.read,tickets.reply",
            ["Sellers__Accounts__2__ShopId"] = ShopC,
            ["Sellers__Accounts__2__AccountId"] = "seller-c-readonly",
            ["Sellers__Accounts__2__ApiKeySha256"] = Sha(SellerReadOnlyKey),
            ["Sellers__Accounts__2__Permissions"] = "tickets.read",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (marketplace, secret) in Secrets)
        {
            environment[$"Webhooks__Secrets__{marketplace}"] = secret;
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        _host = new Process { StartInfo = start, EnableRaisingEvents = true };
        _host.OutputDataReceived += (_, e) => Capture(e.Data);
        _host.ErrorDataReceived += (_, e) => Capture(e.Data);
        _host.Start();
        _host.BeginOutputReadLine();
        _host.BeginErrorReadLine();
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_gate)
        {
            _output.Add(line);
            if (_output.Count > 500)
            {
                _output.RemoveRange(0, 100);
            }
        }
    }

    private async Task WaitForHealthAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_host!.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {_host.ExitCode}.{Environment.NewLine}{HostOutput()}");
            }
            try
            {
                using var response = await Http.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"GET /health did not answer 200 within {StartTimeout}.{Environment.NewLine}{HostOutput()}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string Sha(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "UrgeShipment.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"Could not find UrgeShipment.sln above '{AppContext.BaseDirectory}'.");
    }
}

/// <summary>One host and one browser for all dashboard tests.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardHost>
{
    public const string Name = "Dashboard";
}
