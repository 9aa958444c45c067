using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace UrgeShipment.Bench;

/// <summary>The host's HTTP contract (API.md) as the benchmark uses it. Loopback only.</summary>
internal sealed class HostClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Options _options;
    private TimeSpan _clockOffset; // host clock minus local clock
    private int _ticketReads;
    private int _accepted;
    private bool _noDevClock;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentBag<double>> _latency = new(StringComparer.Ordinal);

    /// <summary>When set, each webhook / reply call's latency is recorded under its call type (<see cref="Latencies"/>).</summary>
    public bool RecordLatency { get; set; }

    /// <summary>Recorded latencies, ms, by call type.</summary>
    public Dictionary<string, List<double>> Latencies => _latency.ToDictionary(kv => kv.Key, kv => kv.Value.ToList(), StringComparer.Ordinal);

    private void Record(string type, System.Diagnostics.Stopwatch clock)
    {
        if (RecordLatency)
        {
            _latency.GetOrAdd(type, _ => []).Add(clock.Elapsed.TotalMilliseconds);
        }
    }

    public HostClient(Options options)
    {
        _options = options;
        if (!options.BaseUrl.IsLoopback)
        {
            throw new ArgumentException($"The benchmark only talks to loopback hosts, not {options.BaseUrl}.");
        }
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = options.BaseUrl,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>GET /api/tickets/{id} calls so far (each costs storage reads the benchmark subtracts).</summary>
    public int TicketReads => Volatile.Read(ref _ticketReads);

    /// <summary>Commands the host answered 202 (durable, not applied within its wait) so far; the benchmark then waits for them.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>The host's clock, estimated from the last sync.</summary>
    public DateTimeOffset HostNow => DateTimeOffset.UtcNow + _clockOffset;

    public void Dispose() => _http.Dispose();

    public async Task<Scrape> ScrapeAsync(CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.AdminKey); // metrics are the admin's
        using var response = await _http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync(ct);
        return new Scrape(text, _options.Hub ?? HubFrom(text), DateTimeOffset.UtcNow);
    }

    private string HubFrom(string text)
    {
        var at = text.IndexOf(Scrape.StorageRequests + "{", StringComparison.Ordinal);
        at = at >= 0 ? at : text.IndexOf(Scrape.StorageRequests + "_total{", StringComparison.Ordinal);
        var hub = at < 0 ? "" : text[at..].Split("hub=\"", 2).ElementAtOrDefault(1)?.Split('"')[0] ?? "";
        _options.Hub = hub.Length > 0 ? hub : null;
        return hub;
    }

    /// <summary>
    /// Reads the host's business clock (<c>GET /api/dev/clock</c>); without the dev clock (<c>Clock:AllowTravel</c> off:
    /// 404) the host's clock is this machine's, offset 0.
    /// </summary>
    public async Task SyncClockAsync(CancellationToken ct)
    {
        if (_noDevClock)
        {
            return;
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/dev/clock");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.AdminKey);
        var sent = DateTimeOffset.UtcNow;
        using var response = await _http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            _noDevClock = true;
            _clockOffset = TimeSpan.Zero;
            return;
        }
        var body = await Ensure(response, "GET /api/dev/clock", ct);
        var received = DateTimeOffset.UtcNow;
        var now = DateTimeOffset.Parse((string)JsonNode.Parse(body)!["now"]!, CultureInfo.InvariantCulture);
        _clockOffset = now - (sent + ((received - sent) / 2));
    }

    public async Task<DateTimeOffset> AdvanceClockAsync(string isoDuration, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/dev/clock")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { advanceBy = isoDuration }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.AdminKey);
        using var response = await _http.SendAsync(request, ct);
        var body = await Ensure(response, "POST /api/dev/clock", ct);
        return DateTimeOffset.Parse((string)JsonNode.Parse(body)!["now"]!, CultureInfo.InvariantCulture);
    }

    /// <summary>Posts a signed webhook (normalized format); returns the status (200 or 202) and the JSON answer.</summary>
    public async Task<(HttpStatusCode Status, JsonNode Answer)> WebhookAsync(string marketplace, string body, CancellationToken ct)
    {
        var secret = _options.Secrets[marketplace];
        var ts = HostNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(ts + "." + body));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/{marketplace}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Event-Id", "bench-" + Guid.NewGuid().ToString("N"));
        request.Headers.Add("X-Timestamp", ts);
        request.Headers.Add("X-Signature", "sha256=" + Convert.ToHexStringLower(mac));
        using var response = await _http.SendAsync(request, ct);
        var answer = JsonNode.Parse(await Ensure(response, $"POST /api/webhooks/{marketplace}", ct, acceptedToo: true))!;
        return (response.StatusCode, answer);
    }

    /// <summary>
    /// A signed <c>buyer.urged</c> for a late order (paid 3 days before the urge); returns the ticket it opened (200, or 202
    /// and then opened). The urge happened 1 s ago, or at <paramref name="occurredAt"/> (earlier: an earlier reply deadline).
    /// </summary>
    public async Task<string> UrgeAsync(string marketplace, string orderId, CancellationToken ct, DateTimeOffset? occurredAt = null)
    {
        var now = occurredAt ?? HostNow.AddSeconds(-1);
        var body = JsonSerializer.Serialize(new
        {
            type = "buyer.urged",
            occurredAt = Iso(now),
            order = new
            {
                orderId,
                shopId = _options.Shop,
                buyerId = "b",
                paidAmount = "199.00",
                currency = "CNY",
                paidAt = Iso(now.AddDays(-3)),
                items = new[] { new { sku = "S", qty = 1 } },
            },
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (status, answer) = await WebhookAsync(marketplace, body, ct);
        Record("POST /api/webhooks (buyer.urged)", clock);
        var outcome = (string?)answer["outcome"];
        if ((outcome != "ticket_opened" && !(status == HttpStatusCode.Accepted && outcome == "accepted")) || (string?)answer["ticketId"] is not { Length: > 0 } ticketId)
        {
            throw new InvalidOperationException($"buyer.urged for {orderId} did not open a ticket: {answer.ToJsonString()}");
        }
        if (status == HttpStatusCode.Accepted)
        {
            Interlocked.Increment(ref _accepted);
            await UntilAsync(ticketId, t => (string?)t["state"] is { Length: > 0 }, "opened", ct);
        }
        return ticketId;
    }

    public async Task ShippedAsync(string marketplace, string orderId, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new
        {
            type = "order.shipped",
            occurredAt = Iso(HostNow.AddSeconds(-1)),
            orderId,
            shipment = new { carrier = "SF", trackingNo = "SF" + orderId, items = new[] { new { sku = "S", qty = 1 } }, complete = true },
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (status, answer) = await WebhookAsync(marketplace, body, ct);
        Record("POST /api/webhooks (order.shipped)", clock);
        if (status == HttpStatusCode.Accepted && (string?)answer["outcome"] == "accepted")
        {
            Interlocked.Increment(ref _accepted); // durable; the benchmark's settled check waits for it
        }
        else if ((string?)answer["outcome"] != "applied")
        {
            throw new InvalidOperationException($"order.shipped for {orderId} was not applied: {answer.ToJsonString()}");
        }
    }

    public async Task ReplyDelayAsync(string ticketId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tickets/{Uri.EscapeDataString(ticketId)}/reply")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { kind = "delay", shipBy = Iso(HostNow.AddDays(1)) }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.SellerKey);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await _http.SendAsync(request, ct);
        await Ensure(response, $"POST /api/tickets/{ticketId}/reply", ct, acceptedToo: true);
        Record("POST /api/tickets/{id}/reply", clock);
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            Interlocked.Increment(ref _accepted);
            await UntilAsync(ticketId, t => t["reply"] is JsonObject, "replied", ct);
        }
    }

    /// <summary>Reads the ticket (bounded, 2 min) until <paramref name="done"/>: after a 202, before the lifecycle's next step.</summary>
    private async Task UntilAsync(string ticketId, Func<JsonObject, bool> done, string what, CancellationToken ct)
    {
        var bound = System.Diagnostics.Stopwatch.StartNew();
        while (await TicketOrNullAsync(ticketId, ct) is not { } view || !done(view))
        {
            if (bound.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"Ticket {ticketId} was answered 202 and not {what} within 2 minutes.");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    public async Task<JsonObject> TicketAsync(string ticketId, CancellationToken ct) =>
        await TicketOrNullAsync(ticketId, ct) ?? throw new InvalidOperationException($"GET /api/tickets/{ticketId} answered 404.");

    /// <summary>The ticket view, or null while there is none (404: not opened yet).</summary>
    public async Task<JsonObject?> TicketOrNullAsync(string ticketId, CancellationToken ct)
    {
        Interlocked.Increment(ref _ticketReads);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tickets/{Uri.EscapeDataString(ticketId)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.AdminKey);
        using var response = await _http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        return JsonNode.Parse(await Ensure(response, $"GET /api/tickets/{ticketId}", ct))!.AsObject();
    }

    private static async Task<string> Ensure(HttpResponseMessage response, string what, CancellationToken ct, bool acceptedToo = false)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK && !(acceptedToo && response.StatusCode == HttpStatusCode.Accepted))
        {
            throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}: {body}");
        }
        return body;
    }

    public static string Iso(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
