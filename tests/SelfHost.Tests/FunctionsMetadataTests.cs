using System.Text.Json;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Functions.Tickets;

namespace UrgeShipment.SelfHost.Tests;

/// <summary>
/// What a Functions deployment serves — src/Functions' <c>functions.metadata</c>, written by the Functions SDK at build
/// time, next to the host.json it ships with — is the contract, and is what the self-host serves (<see cref="FunctionCatalog"/>).
/// </summary>
public sealed class FunctionsMetadataTests
{
    /// <summary>Every HTTP endpoint of the contract: method and route as served (host.json's route prefix is empty).</summary>
    public static TheoryData<string, string> ContractEndpoints => new()
    {
        { "POST", "api/webhooks/{marketplace}" },
        { "POST", "api/tickets/{ticketId}/reply" },
        { "GET", "api/tickets/{ticketId}" },
        { "GET", "api/orders/{marketplace}/{orderId}/ticket" },
        { "GET", "api/tickets" },
        { "GET", "api/shops/{shopId}/ledger" },
        { "GET", "api/shops/{shopId}/standing" },
        { "GET", "api/tickets/{ticketId}/notifications" },
        { "POST", "api/tickets/{ticketId}/operator/{action}" },
        { "GET", "health" },
        { "GET", "metrics" },
        { "GET", "openapi/v1.json" },
        { "GET", "api/me" },
        { "GET", "api/dev/clock" },
        { "POST", "api/dev/clock" },
        { "GET", "{*path}" }, // the dashboard
    };

    /// <summary>Every non-HTTP function of the contract and its trigger (a timer's with its NCRONTAB schedule).</summary>
    public static TheoryData<string, string, string?> ContractFunctions => new()
    {
        { "TicketOrchestrator", "orchestrationTrigger", null },
        { "RecordTicket", "activityTrigger", null },
        { "SettleCompensation", "activityTrigger", null },
        { "DeliverNotice", "activityTrigger", null },
        { "FileComplaint", "activityTrigger", null },
        { "DeadlineWatchdog", "timerTrigger", "0 * * * * *" }, // every minute
        { "TicketRetention", "timerTrigger", "0 17 * * * *" }, // hourly, at :17
    };

    private static readonly Lazy<IReadOnlyList<MetadataFunction>> Metadata = new(Load);

    [Theory]
    [MemberData(nameof(ContractEndpoints))]
    public void FunctionsMetadata_ServesTheContractsEndpoint(string method, string route)
    {
        var serving = Http().Where(f => f.Route == route && f.Methods.Contains(method)).ToList();

        Assert.True(serving.Count == 1, $"{method} {route}: {serving.Count} function(s) in functions.metadata serve it; routes there: "
            + string.Join(", ", Http().Select(f => $"[{string.Join(",", f.Methods)}] {f.Route}")));
    }

    [Fact]
    public void FunctionsMetadata_ServesNoHttpEndpointBeyondTheContract()
    {
        var contract = ContractEndpoints.Select(row => $"{row[0]} {row[1]}").Order(StringComparer.Ordinal);
        var served = Http().SelectMany(f => f.Methods.Select(m => $"{m} {f.Route}")).Order(StringComparer.Ordinal);

        Assert.Equal(contract, served);
    }

    [Theory]
    [MemberData(nameof(ContractFunctions))]
    public void FunctionsMetadata_ListsTheContractsFunction_WithItsTrigger(string name, string trigger, string? schedule)
    {
        var function = Assert.Single(Metadata.Value, f => f.Name == name);

        var binding = Assert.Single(function.Triggers);
        Assert.Equal(trigger, binding.Type);
        Assert.Equal(schedule, binding.Schedule);
    }

    [Fact]
    public void HttpFunctions_InFunctionsMetadata_AreExactlyTheCatalogsTheSelfHostServes()
    {
        var deployed = Http().Select(f => $"{f.Name} [{string.Join(",", f.Methods.Order(StringComparer.Ordinal))}] {f.Route} → {f.EntryPoint}");
        var selfHosted = FunctionCatalog.Http.Select(f =>
            $"{f.Name} [{string.Join(",", f.Methods.Order(StringComparer.Ordinal))}] {f.Route} → {f.Method.DeclaringType!.FullName}.{f.Method.Name}");

        Assert.Equal(selfHosted.Order(StringComparer.Ordinal), deployed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void OrchestratorsActivitiesAndTimers_InFunctionsMetadata_AreExactlyTheCatalogs()
    {
        Assert.Equal(Names(FunctionCatalog.Orchestrators), Of("orchestrationTrigger"));
        Assert.Equal(Names(FunctionCatalog.Activities), Of("activityTrigger"));
        var timers = Metadata.Value.Where(f => f.Triggers.Any(t => t.Type == "timerTrigger"))
            .Select(f => $"{f.Name} {f.Triggers.Single().Schedule} runOnStartup={f.Triggers.Single().RunOnStartup} → {f.EntryPoint}");
        var catalog = FunctionCatalog.Timers.Select(t => $"{t.Name} {t.Schedule} runOnStartup={t.RunOnStartup} → {t.Method.DeclaringType!.FullName}.{t.Method.Name}");
        Assert.Equal(catalog.Order(StringComparer.Ordinal), timers.Order(StringComparer.Ordinal));
        Assert.Equal(DeadlineWatchdog.Schedule, FunctionCatalog.Timers.Single(t => t.Name == nameof(DeadlineWatchdog)).Schedule);
        Assert.Equal(TicketRetention.Schedule, FunctionCatalog.Timers.Single(t => t.Name == nameof(TicketRetention)).Schedule);

        static IEnumerable<string> Names(IEnumerable<System.Reflection.MethodInfo> methods) =>
            methods.Select(m => $"{FunctionCatalog.NameOf(m)} → {m.DeclaringType!.FullName}.{m.Name}").Order(StringComparer.Ordinal);

        static IEnumerable<string> Of(string trigger) =>
            Metadata.Value.Where(f => f.Triggers.Any(t => t.Type == trigger)).Select(f => $"{f.Name} → {f.EntryPoint}").Order(StringComparer.Ordinal);
    }

    [Fact]
    public void EveryFunctionInFunctionsMetadata_HasExactlyOneTrigger_OfAKindTheSelfHostRuns()
    {
        Assert.All(Metadata.Value, f =>
            Assert.Contains(Assert.Single(f.Triggers).Type, new[] { "httpTrigger", "orchestrationTrigger", "activityTrigger", "timerTrigger" }));
    }

    [Fact]
    public void HostJson_AtTheRepositoryRoot_SetsAnEmptyRoutePrefix_AndIsTheOneDeployedWithFunctionsMetadata()
    {
        using var root = JsonDocument.Parse(File.ReadAllText(RepositoryLayout.HostJson),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var deployed = Path.Combine(RepositoryLayout.FunctionsOutput, "host.json");

        var prefix = root.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix");

        Assert.Equal(JsonValueKind.String, prefix.ValueKind);
        Assert.Equal("", prefix.GetString());
        Assert.True(File.Exists(deployed), $"{deployed} is missing: src/Functions copies host.json to its output.");
        Assert.Equal(File.ReadAllText(RepositoryLayout.HostJson), File.ReadAllText(deployed));
    }

    private static IEnumerable<MetadataHttpFunction> Http() =>
        Metadata.Value.Select(f => (Function: f, Trigger: f.Triggers.SingleOrDefault(t => t.Type == "httpTrigger")))
            .Where(x => x.Trigger is not null)
            // No "methods" means every method under the Functions host.
            .Select(x => new MetadataHttpFunction(x.Function.Name, x.Trigger!.Route ?? x.Function.Name, x.Trigger.Methods ?? ["*"], x.Function.EntryPoint));

    private static IReadOnlyList<MetadataFunction> Load()
    {
        var path = Path.Combine(RepositoryLayout.FunctionsOutput, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build src/Functions ({RepositoryLayout.Build.Configuration}) first; this project's build does, through src/SelfHost.");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return
        [
            .. document.RootElement.EnumerateArray().Select(f => new MetadataFunction(
                f.GetProperty("name").GetString()!,
                f.GetProperty("entryPoint").GetString()!,
                [
                    .. f.GetProperty("bindings").EnumerateArray()
                        .Where(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal))
                        .Select(b => new MetadataTrigger(
                            b.GetProperty("type").GetString()!,
                            b.TryGetProperty("route", out var route) ? route.GetString() : null,
                            b.TryGetProperty("methods", out var methods) ? [.. methods.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant())] : null,
                            b.TryGetProperty("schedule", out var schedule) ? schedule.GetString() : null,
                            b.TryGetProperty("runOnStartup", out var startup) && startup.GetBoolean())),
                ])),
        ];
    }

    private sealed record MetadataFunction(string Name, string EntryPoint, IReadOnlyList<MetadataTrigger> Triggers);

    private sealed record MetadataTrigger(string Type, string? Route, IReadOnlyList<string>? Methods, string? Schedule, bool RunOnStartup);

    private sealed record MetadataHttpFunction(string Name, string Route, IReadOnlyList<string> Methods, string EntryPoint);
}
