using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace UrgeShipment.Functions.Hosting;

/// <summary>
/// The app's <c>host.json</c>, read the way the Functions host reads it: the file, then app settings named
/// <c>AzureFunctionsJobHost__path__to__setting</c> (configuration <c>AzureFunctionsJobHost:path:to:setting</c>), which win,
/// and <c>%Setting%</c> values resolved from app settings. Both hosts read the same file through this one reader.
/// </summary>
public sealed class HostJson
{
    public const string OverrideSection = "AzureFunctionsJobHost";

    private readonly JsonObject _root;
    private readonly IConfiguration _configuration;

    private HostJson(JsonObject root, IConfiguration configuration, string? path)
    {
        _root = root;
        _configuration = configuration;
        Path = path;
    }

    /// <summary>Where the file was found; null when there is none (every setting takes its default).</summary>
    public string? Path { get; }

    /// <summary>
    /// Reads <c>HostJsonPath</c> if set, else the <c>host.json</c> next to the app (the Functions output folder), else the
    /// first one found upwards from <paramref name="contentRoot"/>; then applies the <see cref="OverrideSection"/> settings.
    /// </summary>
    public static HostJson Load(IConfiguration configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var path = configuration["HostJsonPath"]
            ?? FindUpwards(AppContext.BaseDirectory, "host.json")
            ?? FindUpwards(contentRoot, "host.json");
        var root = new JsonObject();
        if (path is not null)
        {
            using var stream = File.OpenRead(path);
            root = JsonNode.Parse(stream, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
                as JsonObject ?? throw new InvalidDataException($"{path} must hold a JSON object.");
        }
        Overlay(root, configuration.GetSection(OverrideSection));
        return new HostJson(root, configuration, path);
    }

    /// <summary>From a JSON text, for tests.</summary>
    public static HostJson Parse(string json, IConfiguration configuration)
    {
        var root = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException("host.json must hold a JSON object.");
        Overlay(root, configuration.GetSection(OverrideSection));
        return new HostJson(root, configuration, null);
    }

    /// <summary><c>extensions.http.routePrefix</c>: the Functions default is <c>api</c>; ours is empty (routes are written in full).</summary>
    public string RoutePrefix => Text("extensions.http.routePrefix") ?? "api";

    /// <summary><c>extensions.durableTask.hubName</c> (the prefix of every DTF and UrgeShipment table, queue and container).</summary>
    public string HubName => Text("extensions.durableTask.hubName") ?? "urgeship";

    /// <summary>The values of an object, e.g. <c>logging.logLevel</c>: category → level.</summary>
    public IReadOnlyDictionary<string, string> Values(string path) =>
        Find(path) is JsonObject obj
            ? obj.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => Resolve(p.Value!.ToString()), StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>();

    public string? Text(string path) => Find(path) switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => Resolve(text),
        JsonValue value => value.ToJsonString(),
        var other => throw new InvalidDataException($"host.json: {path} must be a value, was {other.ToJsonString()}."),
    };

    public int? Count(string path) => Text(path) is { } text
        ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidDataException($"host.json: {path} must be a whole number, was '{text}'.")
        : null;

    public bool? Flag(string path) => Text(path) is { } text
        ? bool.TryParse(text, out var value) ? value : throw new InvalidDataException($"host.json: {path} must be true or false, was '{text}'.")
        : null;

    /// <summary>A duration as the Functions host writes them: "hh:mm:ss" or "d.hh:mm:ss".</summary>
    public TimeSpan? Duration(string path) => Text(path) is { } text
        ? TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value >= TimeSpan.Zero
            ? value
            : throw new InvalidDataException($"host.json: {path} must be a duration \"hh:mm:ss\", was '{text}'.")
        : null;

    private JsonNode? Find(string path)
    {
        JsonNode? node = _root;
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject obj)
            {
                return null;
            }
            node = obj.FirstOrDefault(p => string.Equals(p.Key, part, StringComparison.OrdinalIgnoreCase)).Value;
        }
        return node;
    }

    /// <summary><c>%Name%</c> is the app setting Name, as in the Functions host.</summary>
    private string Resolve(string text) =>
        text.Length > 2 && text[0] == '%' && text[^1] == '%'
            ? _configuration[text[1..^1]] ?? throw new InvalidDataException($"host.json refers to the app setting {text[1..^1]}, which is not set.")
            : text;

    private static void Overlay(JsonObject target, IConfigurationSection section)
    {
        foreach (var child in section.GetChildren())
        {
            var existing = target.FirstOrDefault(p => string.Equals(p.Key, child.Key, StringComparison.OrdinalIgnoreCase));
            var name = existing.Key ?? child.Key;
            // Some configuration sources give a section with children an empty value: children make it an object.
            if (!child.GetChildren().Any())
            {
                target[name] = child.Value;
            }
            else
            {
                if (target[name] is not JsonObject inner)
                {
                    inner = [];
                    target[name] = inner;
                }
                Overlay(inner, child);
            }
        }
    }

    public static string? FindUpwards(string start, string fileName)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
