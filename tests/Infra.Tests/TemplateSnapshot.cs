using System.Text.Json.Nodes;

namespace UrgeShipment.Infra.Tests;

/// <summary>
/// What main.bicep would deploy, as <c>bicep snapshot</c> predicts it offline for a resource group (every value that
/// does not depend on a deployed resource is evaluated): once with infra/main.bicepparam, once with the template's
/// defaults only.
/// </summary>
public sealed class TemplateSnapshots : IAsyncLifetime
{
    public const string SubscriptionId = "00000000-0000-0000-0000-0000000000a1";
    public const string TenantId = "00000000-0000-0000-0000-0000000000b2";
    public const string ResourceGroup = "rg-urgeship-test";

    public TemplateSnapshot Example { get; private set; } = null!;

    public TemplateSnapshot Defaults { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var example = TemplateSnapshot.TakeAsync("main.bicepparam", null);
        var defaults = TemplateSnapshot.TakeAsync("defaults.bicepparam", "using './main.bicep'\n");
        Example = await example;
        Defaults = await defaults;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>One snapshot: the predicted resources and outputs.</summary>
public sealed class TemplateSnapshot
{
    private TemplateSnapshot(JsonObject json, string run)
    {
        Json = json;
        Run = run;
    }

    public JsonObject Json { get; }

    /// <summary>The CLI run that made it, for assertion messages.</summary>
    public string Run { get; }

    public IReadOnlyList<JsonObject> Resources => Json["predictedResources"]!.AsArray().Select(r => r!.AsObject()).ToList();

    public JsonObject Outputs => Json["outputs"]!.AsObject();

    public IReadOnlyList<JsonObject> OfType(string type) =>
        Resources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase)).ToList();

    public JsonObject One(string type) => Assert.Single(OfType(type));

    /// <summary>The Function App's app settings in order: name, value.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> AppSettingList =>
        One("Microsoft.Web/sites")["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .Select(s => new KeyValuePair<string, string>((string)s!["name"]!, (string)s["value"]!))
            .ToList();

    public IReadOnlyDictionary<string, string> AppSettings =>
        AppSettingList.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>Snapshots <paramref name="parameterFile"/> (written first when <paramref name="content"/> is given) in a copy of infra/.</summary>
    public static async Task<TemplateSnapshot> TakeAsync(string parameterFile, string? content)
    {
        using var copy = InfraLayout.Copy();
        if (content is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(copy.Path, parameterFile), content);
        }
        var run = await Bicep.RunAsync(copy.Path, "snapshot", parameterFile, "--mode", "overwrite",
            "--subscription-id", TemplateSnapshots.SubscriptionId, "--tenant-id", TemplateSnapshots.TenantId,
            "--resource-group", TemplateSnapshots.ResourceGroup, "--location", "eastasia");
        Assert.True(run.ExitCode == 0 && run.Problems.Count == 0, run.ToString());
        var file = Path.Combine(copy.Path, Path.ChangeExtension(parameterFile, ".snapshot.json"));
        Assert.True(File.Exists(file), run.ToString());
        var json = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
        Assert.True(json["diagnostics"] is JsonArray { Count: 0 }, $"{run}\n{json["diagnostics"]}");
        return new TemplateSnapshot(json, run.ToString());
    }
}
