using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace UrgeShipment.Functions.Hosting;

/// <summary>
/// An HTTP-trigger function: its name, methods (empty: every method, as the Functions host serves a trigger that names
/// none) and route (as written, before host.json's route prefix).
/// </summary>
public sealed record HttpFunction(string Name, IReadOnlyList<string> Methods, string Route, MethodInfo Method);

/// <summary>A timer-trigger function and its NCRONTAB schedule (six fields, seconds first).</summary>
public sealed record TimerFunction(string Name, string Schedule, bool RunOnStartup, MethodInfo Method);

/// <summary>
/// The app's functions, read off their own attributes (<c>[Function]</c> and the trigger on a parameter), the way the
/// Functions SDK writes <c>functions.metadata</c>. The self-host serves and runs exactly these; nothing is listed twice.
/// </summary>
public static class FunctionCatalog
{
    private static readonly MethodInfo[] Functions =
    [
        .. typeof(FunctionCatalog).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .OrderBy(m => m.GetCustomAttribute<FunctionAttribute>()!.Name, StringComparer.Ordinal),
    ];

    public static string NameOf(MethodInfo method) => method.GetCustomAttribute<FunctionAttribute>()!.Name;

    public static IReadOnlyList<HttpFunction> Http { get; } =
    [
        .. Functions.Select(m => (Method: m, Trigger: Trigger<HttpTriggerAttribute>(m)))
            .Where(f => f.Trigger is not null)
            .Select(f => new HttpFunction(NameOf(f.Method), [.. (f.Trigger!.Methods ?? []).Select(x => x.ToUpperInvariant())],
                f.Trigger.Route ?? NameOf(f.Method), f.Method)),
    ];

    public static IReadOnlyList<MethodInfo> Orchestrators { get; } = [.. Functions.Where(m => Trigger<OrchestrationTriggerAttribute>(m) is not null)];

    public static IReadOnlyList<MethodInfo> Activities { get; } = [.. Functions.Where(m => Trigger<ActivityTriggerAttribute>(m) is not null)];

    public static IReadOnlyList<TimerFunction> Timers { get; } =
    [
        .. Functions.Select(m => (Method: m, Trigger: Trigger<TimerTriggerAttribute>(m)))
            .Where(f => f.Trigger is not null)
            .Select(f => new TimerFunction(NameOf(f.Method), f.Trigger!.Schedule, f.Trigger.RunOnStartup, f.Method)),
    ];

    private static T? Trigger<T>(MethodInfo method)
        where T : Attribute =>
        method.GetParameters().Select(p => p.GetCustomAttribute<T>()).FirstOrDefault(a => a is not null);
}
