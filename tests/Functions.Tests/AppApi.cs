using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace UrgeShipment.Functions.Tests;

/// <summary>A running app the tests talk to over HTTP: the in-process self-host or a self-host process.</summary>
public interface IApp
{
    HttpClient CreateClient();

    /// <summary>The app's business time (real time plus the dev-clock offset).</summary>
    DateTimeOffset Now { get; }

    /// <summary>Told the offset the app answered after <c>POST /api/dev/clock</c> (an app in another process keeps it for <see cref="Now"/>).</summary>
    void ClockAdvanced(TimeSpan offset)
    {
    }

    /// <summary>What the app logged lately, for a failed wait's message (a host in another process keeps its output).</summary>
    string RecentOutput() => "";
}

/// <summary>What every test does with an app: signed webhooks, replies, reads, the dev clock, bounded waits.</summary>
public static class AppApi
{
    public static HttpClient As(this IApp app, string? apiKey)
    {
        var client = app.CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        return client;
    }

    /// <summary>Sends a correctly signed webhook (unless told otherwise) stamped with the fake clock.</summary>
    public static async Task<HttpResponseMessage> WebhookAsync(this IApp app, string marketplace, object body, string? eventId = null, string? secret = null,
        DateTimeOffset? timestamp = null, string? signature = null)
    {
        var json = body as string ?? JsonSerializer.Serialize(body);
        var ts = (timestamp ?? app.Now).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/{marketplace}")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Event-Id", eventId ?? Guid.NewGuid().ToString("N"));
        request.Headers.Add("X-Timestamp", ts);
        var key = secret ?? TicketHost.Secrets.GetValueOrDefault(marketplace) ?? "none";
        request.Headers.Add("X-Signature", signature ?? Security.WebhookSignature.Sign(key, ts, Encoding.UTF8.GetBytes(json)));
        using var client = app.CreateClient();
        return await client.SendAsync(request);
    }

    /// <summary>Posts and reads the JSON answer of a webhook that must succeed.</summary>
    public static async Task<JsonObject> WebhookOkAsync(this IApp app, string marketplace, object body, string? eventId = null, DateTimeOffset? timestamp = null)
    {
        using var response = await app.WebhookAsync(marketplace, body, eventId, timestamp: timestamp);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"webhook answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonObject?> TicketAsync(this IApp app, string ticketId, string apiKey = TicketHost.AdminKey)
    {
        using var client = app.As(apiKey);
        using var response = await client.GetAsync($"/api/tickets/{ticketId}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET ticket answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<(int Status, JsonObject Body)> ReplyAsync(this IApp app, string ticketId, object body, string apiKey = TicketHost.SellerKey, string? idempotencyKey = null)
    {
        using var client = app.As(apiKey);
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
    /// Moves business time forward through <c>POST /api/dev/clock</c> (every running ticket re-arms its timer), in steps of at
    /// most the 30 days one call allows.
    /// </summary>
    public static async Task AdvanceClockAsync(this IApp app, TimeSpan by)
    {
        using var client = app.As(TicketHost.AdminKey);
        for (var left = by; left > TimeSpan.Zero; left -= TimeSpan.FromDays(30))
        {
            var step = left < TimeSpan.FromDays(30) ? left : TimeSpan.FromDays(30);
            using var response = await client.PostAsJsonAsync("/api/dev/clock", new { advanceBy = System.Xml.XmlConvert.ToString(step) });
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"dev clock answered {(int)response.StatusCode}: {text}");
            app.ClockAdvanced(System.Xml.XmlConvert.ToTimeSpan((string)JsonNode.Parse(text)!["offset"]!));
        }
    }

    /// <summary>
    /// Moves business time forward, then waits (real time, bounded) until <paramref name="done"/> holds for the ticket:
    /// the lapse travels the real path (the ticket's durable timer, re-armed at due − offset).
    /// </summary>
    public static async Task<JsonObject> AdvanceUntilAsync(this IApp app, string ticketId, TimeSpan by, Func<JsonObject, bool> done, TimeSpan? timeout = null)
    {
        if (by > TimeSpan.Zero)
        {
            await app.AdvanceClockAsync(by);
        }
        var waited = System.Diagnostics.Stopwatch.StartNew(); // real time: only the bound of this wait
        JsonObject? ticket = null;
        while (waited.Elapsed < (timeout ?? TimeSpan.FromSeconds(30)))
        {
            ticket = await app.TicketAsync(ticketId);
            if (ticket is not null && done(ticket))
            {
                return ticket;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"Condition not reached for {ticketId}; last view: {ticket?.ToJsonString()}{Environment.NewLine}The app's recent output:{Environment.NewLine}{app.RecentOutput()}");
        return ticket!;
    }

    /// <summary>The ticket once no activity is pending (notices delivered, compensations settled): its version is then stable.</summary>
    public static Task<JsonObject> SettledAsync(this IApp app, string ticketId) =>
        app.WaitUntilAsync(ticketId, t => t["work"]!.AsArray().All(w => (string?)w!["status"] != "pending"));

    public static async Task<JsonObject> WaitUntilAsync(this IApp app, string ticketId, Func<JsonObject, bool> done, TimeSpan? timeout = null) =>
        await app.AdvanceUntilAsync(ticketId, TimeSpan.Zero, done, timeout);
}
