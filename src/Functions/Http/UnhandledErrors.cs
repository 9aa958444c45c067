using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace UrgeShipment.Functions.Http;

/// <summary>
/// Under the Functions host: an HTTP function that throws answers 500 problem+json (<c>internal_error</c>, the trace id,
/// no exception text), as the self-host's exception handler does; the exception is logged. Other triggers rethrow.
/// </summary>
public sealed partial class UnhandledErrors(ILogger<UnhandledErrors> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context);
        }
        catch (Exception e) when (context.GetHttpContext() is { Response.HasStarted: false })
        {
            var http = context.GetHttpContext()!;
            LogFailed(logger, context.FunctionDefinition.Name, e);
            http.Response.Clear();
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                Exception = e,
                ProblemDetails = { Status = StatusCodes.Status500InternalServerError },
            });
        }
    }

    [LoggerMessage(LogLevel.Error, "HTTP function {Function} failed; answered 500 internal_error.")]
    private static partial void LogFailed(ILogger logger, string function, Exception exception);
}
