using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.FileProviders;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Functions.Security;

namespace UrgeShipment.Functions.Http;

/// <summary>
/// The dashboard (static files from <c>wwwroot/</c>, no build step, no CDN) and the OpenAPI document. The dashboard's
/// catch-all route answers every other GET: a file, or a 404 problem.
/// </summary>
public sealed class DashboardFunctions
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private static readonly PhysicalFileProvider Files = new(Path.Combine(AppContext.BaseDirectory, "wwwroot"));

    [Function(nameof(Dashboard))]
    [AllowAnonymous] // the page itself; every call it makes carries the key typed into it
    public IResult Dashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "{*path}")] HttpRequest request, string? path)
    {
        var file = Files.GetFileInfo(string.IsNullOrEmpty(path) ? "index.html" : path);
        if (!file.Exists || file.IsDirectory || file.PhysicalPath is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, "not_found", "Not found.", "No such resource.");
        }
        var contentType = ContentTypes.TryGetContentType(file.Name, out var type) ? type : "application/octet-stream";
        return TypedResults.PhysicalFile(file.PhysicalPath, contentType);
    }

    /// <summary>The HTTP API as OpenAPI 3.1, derived from the functions' own triggers.</summary>
    [Function(nameof(OpenApi))]
    [Authorize(Policy = Policies.Operations)]
    public IResult OpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/v1.json")] HttpRequest request)
    {
        var paths = new JsonObject();
        foreach (var function in FunctionCatalog.Http.Where(f => f.Name is not nameof(Dashboard) and not nameof(OpenApi)).OrderBy(f => f.Route, StringComparer.Ordinal))
        {
            var path = "/" + function.Route;
            var item = paths[path] as JsonObject ?? [];
            paths[path] = item;
            foreach (var method in function.Methods)
            {
                var parameters = new JsonArray();
                foreach (var name in RouteParameters(function.Route))
                {
                    parameters.Add(new JsonObject { ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
                }
                item[method.ToLowerInvariant()] = new JsonObject
                {
                    ["operationId"] = function.Name,
                    ["parameters"] = parameters,
                    ["responses"] = new JsonObject { ["default"] = new JsonObject { ["description"] = "See the HTTP contract; errors are application/problem+json with a code." } },
                };
            }
        }
        var document = new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject { ["title"] = "UrgeShipment", ["version"] = "v1" },
            ["paths"] = paths,
        };
        return TypedResults.Text(document.ToJsonString(), "application/json");
    }

    private static IEnumerable<string> RouteParameters(string route) =>
        route.Split('/').Where(s => s.StartsWith('{') && s.EndsWith('}')).Select(s => s.Trim('{', '}', '*').Split(':', '?')[0]);

}
