using System.Text.Json;
using System.Xml;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Functions.Security;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Http;

public sealed class ClockOptions
{
    /// <summary>Enables <c>POST /api/dev/clock</c>. The host refuses to start with it in Production.</summary>
    public bool AllowTravel { get; set; }
}

public sealed record ClockView(DateTimeOffset Now, string Offset);

public sealed record HealthView(string Status, string Storage);

public sealed record MeView(string Role, string AccountId, string? ShopId, IReadOnlyList<string> Permissions, DateTimeOffset ServerTime);

/// <summary>Health, metrics and the dev clock.</summary>
public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", HealthAsync).WithTags("Operations").WithName("Health");
        app.MapGet("/metrics", (MetricsText metrics) => TypedResults.Text(metrics.Render(), "text/plain; version=0.0.4")).WithTags("Operations").WithName("Metrics");
        app.MapGet("/api/me", Me).WithTags("Operations").WithName("WhoAmI");
        app.MapGet("/api/dev/clock", GetClock).WithTags("Operations").WithName("GetDevClock");
        app.MapPost("/api/dev/clock", AdvanceClockAsync).WithTags("Operations").WithName("AdvanceDevClock").DisableAntiforgery();
        return app;
    }

    public static async Task<Results<Ok<HealthView>, JsonHttpResult<HealthView>>> HealthAsync(TicketStore tickets, CancellationToken ct) =>
        await tickets.Runtime.IsHealthyAsync(ct)
            ? TypedResults.Ok(new HealthView("healthy", "reachable"))
            : TypedResults.Json(new HealthView("unhealthy", "unreachable"), statusCode: StatusCodes.Status503ServiceUnavailable);

    /// <summary>Who this key is (role, shop, permissions) and the server's clock, so a client can show countdowns on server time.</summary>
    public static Results<Ok<MeView>, ProblemHttpResult> Me(HttpRequest request, Callers callers, TimeProvider clock) =>
        callers.Identify(request) switch
        {
            null => Problems.Unauthorized(),
            Caller.Seller s => TypedResults.Ok(new MeView("seller", s.AccountId, s.ShopId, [.. s.Permissions.Order(StringComparer.Ordinal)], clock.GetUtcNow())),
            var admin => TypedResults.Ok(new MeView("admin", admin.Id, null, [Permissions.Read, Permissions.Reply, "operator", "dev.clock"], clock.GetUtcNow())),
        };

    public static Results<Ok<ClockView>, ProblemHttpResult> GetClock(HttpRequest request, Callers callers, IOptions<ClockOptions> options, TravelingClock clock)
    {
        if (!options.Value.AllowTravel)
        {
            return NotFound();
        }
        return callers.Identify(request) is Caller.Admin
            ? TypedResults.Ok(new ClockView(clock.GetUtcNow(), XmlConvert.ToString(clock.Offset)))
            : Problems.Forbidden("The dev clock needs the admin key.");
    }

    public static async Task<Results<Ok<ClockView>, ProblemHttpResult>> AdvanceClockAsync(
        HttpRequest request, Callers callers, IOptions<ClockOptions> options, TravelingClock clock, TicketStore tickets, CancellationToken ct)
    {
        if (!options.Value.AllowTravel)
        {
            return NotFound();
        }
        if (callers.Identify(request) is not Caller.Admin)
        {
            return callers.Identify(request) is null ? Problems.Unauthorized() : Problems.Forbidden("The dev clock needs the admin key.");
        }
        TimeSpan by;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            if (!document.RootElement.TryGetProperty("advanceBy", out var value) || value.ValueKind != JsonValueKind.String)
            {
                return Problems.Invalid(StatusCodes.Status400BadRequest, "advanceBy", "is required: an ISO-8601 duration like PT25H.");
            }
            by = XmlConvert.ToTimeSpan(value.GetString()!);
        }
        catch (Exception e) when (e is JsonException or FormatException or OverflowException)
        {
            return Problems.Invalid(StatusCodes.Status400BadRequest, "advanceBy", "must be an ISO-8601 duration like PT25H, in a JSON object.");
        }
        if (by <= TimeSpan.Zero || by > TimeSpan.FromDays(30))
        {
            return Problems.Invalid(StatusCodes.Status400BadRequest, "advanceBy", "must be positive and at most P30D (the clock only moves forward).");
        }
        clock.Advance(by);
        await tickets.Runtime.SweepOnceAsync(ct);
        return TypedResults.Ok(new ClockView(clock.GetUtcNow(), XmlConvert.ToString(clock.Offset)));
    }

    private static ProblemHttpResult NotFound() =>
        Problems.Of(StatusCodes.Status404NotFound, "not_found", "Not found.", "The dev clock is off (Clock:AllowTravel).");
}
