using System.Text.Json;
using System.Xml;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Functions.Projections;
using UrgeShipment.Functions.Security;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.Functions.Http;

public sealed record ClockView(DateTimeOffset Now, string Offset);

public sealed record HealthView(string Status, string Storage);

public sealed record MeView(string Role, string AccountId, string? ShopId, IReadOnlyList<string> Permissions, DateTimeOffset ServerTime);

/// <summary>Health, metrics, who-am-I and the dev clock.</summary>
public sealed partial class OperationFunctions(IAuthorizationService authorization, HealthCheckService health, MetricsScrape metrics,
    IOptions<ClockOptions> clockOptions, BusinessClock clock, IServiceProvider services, ILogger<OperationFunctions> logger)
{
    [Function(nameof(Health))]
    [AllowAnonymous] // probes
    public async Task<IResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        var storage = report.Entries.TryGetValue(StorageHealthCheck.Name, out var entry) ? entry.Description ?? entry.Status.ToString() : "unknown";
        if (report.Status == HealthStatus.Healthy)
        {
            return TypedResults.Ok(new HealthView("healthy", storage));
        }
        LogUnhealthy(logger, report.Status.ToString());
        return TypedResults.Json(new HealthView("unhealthy", storage), statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    [Function(nameof(Metrics))]
    [Authorize(Policy = Policies.Operations)]
    public IResult Metrics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "metrics")] HttpRequest request) =>
        metrics.Result();

    /// <summary>Who this key is (role, shop, permissions) and the server's clock, so a client can show countdowns on server time.</summary>
    [Function(nameof(WhoAmI))]
    [Authorize] // any known key
    public IResult WhoAmI([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/me")] HttpRequest request) =>
        request.Caller() switch
        {
            Caller.Seller s => TypedResults.Ok(new MeView("seller", s.AccountId, s.ShopId, [.. s.Permissions.Order(StringComparer.Ordinal)], clock.GetUtcNow())),
            Caller.PlatformOperator o => TypedResults.Ok(new MeView("operator", o.Name, null, [.. o.Permissions.Where(o.Can).Order(StringComparer.Ordinal)], clock.GetUtcNow())),
            var admin => TypedResults.Ok(new MeView("admin", admin.Id, null, [Permissions.Read, "dev.clock"], clock.GetUtcNow())),
        };

    /// <summary>The dev clock: 404 while it is off (whoever asks), otherwise the admin policy, checked here after that.</summary>
    [Function(nameof(GetDevClock))]
    [AllowAnonymous]
    public async Task<IResult> GetDevClock([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/dev/clock")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!clockOptions.Value.AllowTravel)
        {
            return ClockOff();
        }
        return await DeniedAsync(request, Policies.Admin) ?? TypedResults.Ok(new ClockView(clock.GetUtcNow(), XmlConvert.ToString(clock.Offset)));
    }

    /// <summary>
    /// Moves business time forward: stores the new offset (every host on the storage takes it) and tells every running
    /// ticket, whose orchestration re-arms its timer at <c>due − offset</c>, so deadlines that fell due lapse within seconds.
    /// </summary>
    [Function(nameof(AdvanceDevClock))]
    [AllowAnonymous] // as GetDevClock
    public async Task<IResult> AdvanceDevClock(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/dev/clock")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!clockOptions.Value.AllowTravel)
        {
            return ClockOff();
        }
        if (await DeniedAsync(request, Policies.Admin) is { } denied)
        {
            return denied;
        }
        var (document, unreadable) = await JsonBodies.ReadAsync(request, 1024, cancellationToken);
        if (document is null)
        {
            return unreadable!;
        }
        TimeSpan by;
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("advanceBy", out var value) || value.ValueKind != JsonValueKind.String)
            {
                return Problems.Invalid(StatusCodes.Status400BadRequest, "advanceBy", "is required: an ISO-8601 duration like PT25H, in a JSON object.");
            }
            try
            {
                by = XmlConvert.ToTimeSpan(value.GetString()!);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                return Problems.Invalid(StatusCodes.Status400BadRequest, "advanceBy", "must be an ISO-8601 duration like PT25H.");
            }
        }
        if (by <= TimeSpan.Zero || by > TimeSpan.FromDays(30))
        {
            return Problems.Invalid(StatusCodes.Status400BadRequest, "advanceBy", "must be positive and at most P30D (the clock only moves forward).");
        }
        var offset = await services.GetRequiredService<DevClock>().AdvanceAsync(by, cancellationToken);
        var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended], PageSize = 500 };
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            await client.RaiseEventAsync(instance.InstanceId, TicketOrchestrator.SignalEvent, new ClockSignal { ClockOffset = offset }, cancellationToken);
        }
        return TypedResults.Ok(new ClockView(clock.GetUtcNow(), XmlConvert.ToString(offset)));
    }

    private async Task<IResult?> DeniedAsync(HttpRequest request, string policy) =>
        AuthorizationAnswers.For(await authorization.AuthorizeAsync(request.HttpContext.User, policy), request.HttpContext);

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult ClockOff() =>
        Problems.Of(StatusCodes.Status404NotFound, "not_found", "Not found.", "The dev clock is off (Clock:AllowTravel).");

    [LoggerMessage(LogLevel.Warning, "Health check: {Status}.")]
    private static partial void LogUnhealthy(ILogger logger, string status);
}
