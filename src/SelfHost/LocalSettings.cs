using System.Text.Json;
using UrgeShipment.Functions.Hosting;

namespace UrgeShipment.SelfHost;

/// <summary>
/// Configuration the way the Functions host reads it: <c>local.settings.json</c> → <c>Values</c> (keys with ':' or '__'),
/// then environment variables and the command line, which win. The file is found upwards from the content root
/// (the repository root holds it for <c>./run.sh</c>), or at <c>LocalSettingsPath</c>.
/// </summary>
public static class LocalSettings
{
    public static void AddLocalSettings(this ConfigurationManager configuration, string contentRoot, string[] args)
    {
        var path = configuration["LocalSettingsPath"] ?? HostJson.FindUpwards(contentRoot, "local.settings.json");
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
}
