using System.Reflection;
using Cronos;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using UrgeShipment.Functions.Hosting;

namespace UrgeShipment.SelfHost;

/// <summary>
/// Serves every <c>[HttpTrigger]</c> function of the app on its own route and methods (host.json's route prefix in front),
/// binding what the Functions worker binds: the <see cref="HttpRequest"/>, route values by parameter name, the
/// <c>[DurableClient]</c> <see cref="DurableTaskClient"/> and the request's <see cref="CancellationToken"/>. The function
/// class is built per request from the container, as the worker builds it per invocation.
/// </summary>
public static class FunctionEndpoints
{
    public static IEndpointRouteBuilder MapFunctions(this IEndpointRouteBuilder app, HostJson hostJson)
    {
        ArgumentNullException.ThrowIfNull(hostJson);
        var prefix = hostJson.RoutePrefix.Trim('/');
        foreach (var function in FunctionCatalog.Http)
        {
            var route = prefix.Length == 0 ? function.Route : prefix + "/" + function.Route;
            var binders = function.Method.GetParameters().Select(p => Binder(function, p)).ToArray();
            var endpoint = function.Methods.Count == 0
                ? app.Map("/" + route, context => InvokeAsync(function.Method, binders, context))
                : app.MapMethods("/" + route, function.Methods, context => InvokeAsync(function.Method, binders, context));
            endpoint.WithName(function.Name)
                .WithDisplayName(function.Name)
                .WithMetadata([.. function.Method.GetCustomAttributes(inherit: true).Where(a => a is IAuthorizeData or IAllowAnonymous)]);
        }
        return app;
    }

    private static async Task InvokeAsync(MethodInfo method, Func<HttpContext, object?>[] binders, HttpContext context)
    {
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(context.RequestServices, method.DeclaringType!);
        try
        {
            var returned = method.Invoke(target, [.. binders.Select(b => b(context))]);
            var result = returned switch
            {
                Task<IResult> task => await task,
                IResult value => value,
                _ => throw new InvalidOperationException($"HTTP function {method.Name} must return IResult or Task<IResult>."),
            };
            await result.ExecuteAsync(context);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
        }
        finally
        {
            (target as IDisposable)?.Dispose();
        }
    }

    private static Func<HttpContext, object?> Binder(HttpFunction function, ParameterInfo parameter)
    {
        if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is not null)
        {
            return context => context.Request;
        }
        if (parameter.ParameterType == typeof(DurableTaskClient))
        {
            return context => context.RequestServices.GetRequiredService<DurableTaskClient>();
        }
        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return context => context.RequestAborted;
        }
        if (parameter.ParameterType == typeof(string))
        {
            var name = parameter.Name!;
            return context => context.Request.RouteValues.TryGetValue(name, out var value) ? value?.ToString() : null;
        }
        throw new InvalidOperationException($"HTTP function {function.Name}: parameter {parameter.Name} ({parameter.ParameterType.Name}) cannot be bound by the self-host.");
    }
}

/// <summary>
/// Runs a <c>[TimerTrigger]</c> function on its NCRONTAB schedule (six fields, seconds first, UTC), as the Functions host
/// does, binding <see cref="TimerInfo"/>, the <c>[DurableClient]</c> and the host's stopping token. A failed run is logged;
/// the next occurrence runs again.
/// </summary>
public sealed partial class TimerTriggerService(TimerFunction function, IServiceProvider services, TimeProvider clock, ILogger<TimerTriggerService> logger)
    : BackgroundService
{
    private readonly CronExpression _schedule = CronExpression.Parse(function.Schedule, CronFormat.IncludeSeconds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!(first && function.RunOnStartup))
            {
                var now = clock.GetUtcNow();
                var next = _schedule.GetNextOccurrence(now, TimeZoneInfo.Utc);
                if (next is not { } due)
                {
                    return;
                }
                await Task.Delay(due - now, clock, stoppingToken);
            }
            first = false;
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, function.Name, e); // as the Functions host: logged, and the next occurrence runs
            }
        }
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var method = function.Method;
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, method.DeclaringType!);
        var arguments = method.GetParameters().Select(p =>
            p.ParameterType == typeof(TimerInfo) ? new TimerInfo()
            : p.ParameterType == typeof(DurableTaskClient) ? scope.ServiceProvider.GetRequiredService<DurableTaskClient>()
            : p.ParameterType == typeof(CancellationToken) ? (object)ct
            : throw new InvalidOperationException($"Timer function {function.Name}: parameter {p.Name} cannot be bound by the self-host.")).ToArray();
        try
        {
            if (method.Invoke(target, arguments) is Task task)
            {
                await task;
            }
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
        }
    }

    [LoggerMessage(LogLevel.Error, "Timer function {Function} failed; it runs again at its next occurrence.")]
    private static partial void LogFailed(ILogger logger, string function, Exception exception);
}
