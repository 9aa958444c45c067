using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace UrgeShipment.Functions.Tests;

/// <summary>
/// A real HTTP server on loopback standing in for a finance gateway or a chat-card sender: it records every
/// request (idempotency key + body), applies each key's effect once (a repeat answers 409, like a real
/// idempotent API), and can be told to fail.
/// </summary>
public sealed class LocalHttpPeer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;

    private LocalHttpPeer(WebApplication app) => _app = app;

    public ConcurrentQueue<(string? Key, JsonObject Body)> Requests { get; } = new();

    public ConcurrentDictionary<string, JsonObject> Effects { get; } = new(StringComparer.Ordinal);

    public Uri Url { get; private set; } = null!;

    /// <summary>Answer 500 to the next <paramref name="count"/> requests (int.MaxValue: until told otherwise).</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    public static async Task<LocalHttpPeer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var peer = new LocalHttpPeer(app);
        app.MapPost("/", async (HttpRequest request) =>
        {
            var key = request.Headers["Idempotency-Key"].ToString();
            var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            peer.Requests.Enqueue((key, body));
            if (Interlocked.Decrement(ref peer._failuresLeft) >= 0)
            {
                return Results.StatusCode(500);
            }
            Interlocked.Exchange(ref peer._failuresLeft, 0);
            return peer.Effects.TryAdd(key, body) ? Results.Ok() : Results.Conflict();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        peer.Url = new Uri(address + "/");
        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
