using System.Text.Json;

namespace UrgeShipment.Functions.Hosting;

/// <summary>
/// Configuration the way the Functions host reads it: <c>local.settings.json</c> → <c>Values</c> (keys with ':' or '__'),
/// then environment variables and the command line, which win. <c>host.json</c> is found at the repo root.
/// </summary>
public static class LocalSettings
{
    public static void AddLocalSettings(this ConfigurationManager configuration, string contentRoot, string[] args)
    {
        var path = configuration["LocalSettingsPath"] ?? FindUpwards(contentRoot, "local.settings.json");
        if (path is not null && File.Exists(path))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.TryGetProperty("Values", out var values) && values.ValueKind == JsonValueKind.Object)
            {
                var pairs = values.EnumerateObject().ToDictionary(
                    p => p.Name.Replace("__", ":", StringComparison.Ordinal),
                    p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText(),
                    StringComparer.OrdinalIgnoreCase);
                configuration.AddInMemoryCollection(pairs);
            }
        }
        // Environment variables and the command line win over local.settings.json.
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
    }

    public static string? FindHostJson(IConfiguration configuration, string contentRoot) =>
        configuration["HostJsonPath"] ?? FindUpwards(contentRoot, "host.json") ?? FindUpwards(AppContext.BaseDirectory, "host.json");

    public static string? FindUpwards(string start, string fileName)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
