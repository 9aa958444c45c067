using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace UrgeShipment.Functions.Http;

/// <summary>
/// The one gate every JSON body passes before any field is read: a JSON content type (415), a size cap (413), strict
/// UTF-8 (400 <c>invalid_utf8</c>), well-formed JSON (400 <c>malformed_json</c>), no property twice in an object
/// (400 <c>duplicate_property</c>, naming it: the last value would otherwise silently win), and no string a reader
/// could not decode — a lone surrogate escape such as <c>"\ud800"</c> (400 <c>invalid_string</c>, naming the field).
/// After it, reading a field cannot throw.
/// </summary>
public static class JsonBodies
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false, MaxDepth = 32 };

    /// <summary>Reads and checks the body of <paramref name="request"/>; the document, or the problem to answer.</summary>
    public static async Task<(JsonDocument? Document, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (UnsupportedMediaType(request) is { } unsupported)
        {
            return (null, unsupported);
        }
        var body = await ReadBytesAsync(request, maxBytes, ct);
        return body is null ? (null, TooLarge(maxBytes)) : Parse(body);
    }

    /// <summary>
    /// 415 when a content type is given and it is not JSON (<c>application/json</c> or <c>+json</c>, UTF-8 if a charset is
    /// given). A body sent without any content type is read as JSON.
    /// </summary>
    public static ProblemHttpResult? UnsupportedMediaType(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.ContentType))
        {
            return null;
        }
        if (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            && (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            && (!type.Charset.HasValue || type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }
        return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "The body must be JSON.",
            "Send Content-Type: application/json (UTF-8).");
    }

    public static ProblemHttpResult TooLarge(int maxBytes) =>
        Problems.Of(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "Body too large.", $"This endpoint takes bodies of at most {maxBytes} bytes.");

    /// <summary>The raw body, or null when it is over <paramref name="maxBytes"/> (the rest is not read).</summary>
    public static async Task<byte[]?> ReadBytesAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }
                await buffer.WriteAsync(chunk.AsMemory(0, read), ct);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null; // the server's own cap (Kestrel's MaxRequestBodySize) is lower still
        }
        return buffer.ToArray();
    }

    /// <summary>Checks and parses a body already read (a webhook's, whose signature covers the exact bytes).</summary>
    public static (JsonDocument? Document, ProblemHttpResult? Problem) Parse(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            StrictUtf8.GetCharCount(body);
        }
        catch (DecoderFallbackException)
        {
            return (null, Problems.Invalid(StatusCodes.Status400BadRequest, "body", "is not valid UTF-8.", "invalid_utf8"));
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Options);
        }
        catch (JsonException)
        {
            return (null, DuplicateOrMalformed(body));
        }
        if (FirstFault(document.RootElement, "") is { } bad)
        {
            document.Dispose();
            return (null, Refusal(bad));
        }
        return (document, null);
    }

    private enum Fault
    {
        Undecodable,
        Duplicate,
    }

    /// <summary>
    /// The first property name or string value that cannot be decoded, or name repeated in its object (possible only
    /// in a document parsed with duplicates allowed), with its path; null when there is none.
    /// </summary>
    private static (string Path, Fault Fault)? FirstFault(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return (path, Fault.Undecodable);
                    }
                    if (!seen.Add(name))
                    {
                        return (FieldErrors.Path(path, name), Fault.Duplicate);
                    }
                    if (FirstFault(property.Value, FieldErrors.Path(path, name)) is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstFault(item, $"{path}[{index++}]") is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case JsonValueKind.String:
                try
                {
                    _ = element.GetString();
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return (path, Fault.Undecodable);
                }
            default:
                return null;
        }
    }

    private static ProblemHttpResult Refusal((string Path, Fault Fault) fault) => fault.Fault == Fault.Undecodable
        ? Problems.Invalid(StatusCodes.Status400BadRequest, fault.Path.Length == 0 ? "body" : fault.Path,
            "holds a string that is not valid Unicode (a lone surrogate escape).", "invalid_string")
        : Problems.Invalid(StatusCodes.Status400BadRequest, fault.Path, "appears more than once in its object.", "duplicate_property");

    /// <summary>
    /// A body the strict reader refused: if a reader that allows duplicate names takes it, a name was repeated (the
    /// reader does not say where: the first object holding a name twice is named); otherwise it is not JSON.
    /// </summary>
    private static ProblemHttpResult DuplicateOrMalformed(byte[] body)
    {
        try
        {
            using var lenient = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = Options.MaxDepth });
            return FirstFault(lenient.RootElement, "") is { } fault
                ? Refusal(fault)
                : Problems.Invalid(StatusCodes.Status400BadRequest, "body", "repeats a name in one of its objects.", "duplicate_property");
        }
        catch (JsonException)
        {
            return Problems.MalformedJson();
        }
    }
}
