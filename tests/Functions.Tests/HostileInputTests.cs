using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>
/// Input as an attacker builds it from API.md, sent over raw sockets to the self-host's Kestrel (so nothing a client
/// library would tidy up is tidied): a generated corpus of malformed requests across every endpoint. None may answer
/// 5xx; every rejection is problem+json with a <c>code</c>; none may store anything.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class HostileInputTests(AzuriteServer azurite)
{
    private const string Marketplace = "taobao";

    /// <summary>A request as bytes on the wire; <paramref name="Name"/> says what is wrong with it.</summary>
    private sealed record Hostile(string Name, string Method, string Target, IReadOnlyList<(string Name, byte[] Value)> Headers, byte[] Body);

    private sealed record Answer(int Status, string ContentType, string Body);

    [Fact]
    public async Task AThousandMalformedRequestsAcrossEveryEndpoint_AnswerProblemJsonWithACode_NeverA5xx_AndStoreNothing()
    {
        var hub = "h" + Guid.NewGuid().ToString("N")[..10];
        await using var host = await HostProcess.StartAsync(azurite, hub, "worker-h");
        var now = host.Now;
        var opened = await host.WebhookOkAsync(Marketplace, Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3)));
        var ticketId = (string)opened["ticketId"]!;
        await host.SettledAsync(ticketId);
        var before = await HubSnapshot.StableAsync(azurite, hub); // the ticket's last episode (after its last record) is checkpointed

        var corpus = Corpus(ticketId, host.Now).ToList();
        Assert.True(corpus.Count >= 1000, $"only {corpus.Count} requests generated");
        var port = new Uri(host.BaseUrl).Port;
        var wrong = new List<string>();
        foreach (var batch in corpus.Chunk(8))
        {
            var answers = await Task.WhenAll(batch.Select(h => SendAsync(port, h)));
            foreach (var (request, answer) in batch.Zip(answers))
            {
                if (KestrelRefusal(request, answer))
                {
                    continue;
                }
                if (Judge(answer) is { } why)
                {
                    wrong.Add($"{request.Name} ({request.Method} {request.Target}): {why}");
                }
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} of {corpus.Count} answers were wrong:{Environment.NewLine}{string.Join(Environment.NewLine, wrong.Take(40))}");
        var after = await HubSnapshot.TakeAsync(azurite, hub);
        Assert.Equal(before, after);
        Assert.Equal("awaiting_seller_reply", (string?)(await host.TicketAsync(ticketId))!["state"]);
    }

    /// <summary>
    /// Kestrel refuses a request line with a NUL (<c>%00</c>) in its target (400) or longer than 8 KiB (414) before any
    /// app code runs, with an empty body: still a 4xx that stores nothing (README, "Known limits").
    /// </summary>
    private static bool KestrelRefusal(Hostile request, Answer answer) =>
        answer.Body.Length == 0 && ((answer.Status == 400 && request.Target.Contains("%00", StringComparison.Ordinal))
            || (answer.Status == 414 && request.Target.Length > 8 * 1024));

    /// <summary>Null when the answer is a proper rejection; otherwise what is wrong with it.</summary>
    private static string? Judge(Answer answer)
    {
        if (answer.Status >= 500)
        {
            return $"{answer.Status}: {Trim(answer.Body)}";
        }
        if (answer.Status < 400)
        {
            return $"accepted with {answer.Status}: {Trim(answer.Body)}";
        }
        if (!answer.ContentType.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase))
        {
            return $"{answer.Status} as '{answer.ContentType}': {Trim(answer.Body)}";
        }
        try
        {
            var code = JsonNode.Parse(answer.Body)?["code"]?.GetValue<string>();
            return string.IsNullOrEmpty(code) ? $"{answer.Status} without a code: {Trim(answer.Body)}" : null;
        }
        catch (JsonException)
        {
            return $"{answer.Status} with a body that is not JSON: {Trim(answer.Body)}";
        }
    }

    private static string Trim(string text) => text.Length > 300 ? text[..300] + "…" : text;

    // ------------------------------------------------------------------ the corpus

    private static IEnumerable<Hostile> Corpus(string ticketId, DateTimeOffset now)
    {
        var admin = Bearer(TicketHost.AdminKey);
        var person = Bearer(TicketHost.OperatorKey);
        var seller = Bearer(TicketHost.SellerKey);
        var valid = Payloads.Urge(Payloads.NewOrderId(), now, now.AddDays(-3));

        // 1. Webhooks, signed: every field of an urge broken in every way (the signature is right, so the body is read).
        foreach (var marketplace in new[] { "taobao", "tmall", "xiaohongshu", "pinduoduo" })
        {
            foreach (var (path, broken, what) in Mutations(valid))
            {
                yield return SignedWebhook($"{marketplace} webhook body: {what} at {path}", broken, now, marketplace);
            }
        }
        foreach (var (name, body) in RawBodies(valid))
        {
            yield return SignedWebhook("webhook raw body: " + name, body, now);
        }
        foreach (var type in new[] { "order.shipped", "order.after_sale_opened", "order.refunded", "order.delay_reported", "buyer.plan_accepted", "complaint.filed", "complaint.resolved" })
        {
            var body = Payloads.Simple(type, "o-x", now);
            body["orderId"] = 42;
            yield return SignedWebhook($"webhook {type} with a numeric orderId", Utf8(body.ToJsonString()), now);
            foreach (var (path, broken, what) in Mutations(Payloads.Simple(type, "o-x", now)))
            {
                yield return SignedWebhook($"webhook {type}: {what} at {path}", broken, now);
            }
        }
        // 2. Webhooks with broken envelopes: signature, timestamp, event id, content type, marketplace.
        var json = Utf8(valid.ToJsonString());
        var ts = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        foreach (var (name, headers) in new (string, (string, byte[])[])[]
        {
            ("no signature", [H("X-Timestamp", ts), H("X-Event-Id", "e1")]),
            ("wrong signature", [H("X-Timestamp", ts), H("X-Event-Id", "e2"), H("X-Signature", "sha256=" + new string('0', 64))]),
            ("signature not hex", [H("X-Timestamp", ts), H("X-Event-Id", "e3"), H("X-Signature", "sha256=zz")]),
            ("stale timestamp", [H("X-Timestamp", (now.ToUnixTimeSeconds() - 3600).ToString(CultureInfo.InvariantCulture)), H("X-Event-Id", "e4"), H("X-Signature", Sign(json, now.AddHours(-1)))]),
            ("timestamp not a number", [H("X-Timestamp", "yesterday"), H("X-Event-Id", "e5"), H("X-Signature", "sha256=00")]),
            ("timestamp overflow", [H("X-Timestamp", "99999999999999999999999"), H("X-Event-Id", "e6"), H("X-Signature", "sha256=00")]),
            ("non-ASCII event id", [H("X-Timestamp", ts), Raw("X-Event-Id", [0xE4, 0xBA, 0x8B, 0xE4, 0xBB, 0xB6]), H("X-Signature", Sign(json, now))]),
            ("Latin-1 event id", [H("X-Timestamp", ts), Raw("X-Event-Id", [0x65, 0xFF, 0xFE]), H("X-Signature", Sign(json, now))]),
            ("event id too long", [H("X-Timestamp", ts), H("X-Event-Id", new string('e', 500)), H("X-Signature", Sign(json, now))]),
            ("empty event id", [H("X-Timestamp", ts), H("X-Event-Id", ""), H("X-Signature", Sign(json, now))]),
            ("non-ASCII signature", [H("X-Timestamp", ts), H("X-Event-Id", "e7"), Raw("X-Signature", [0x73, 0xC3, 0xA9])]),
        })
        {
            yield return new Hostile("webhook envelope: " + name, "POST", $"/api/webhooks/{Marketplace}", [Json, .. headers], json);
        }
        foreach (var contentType in new[] { "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "application/xml", "json", ";;;" })
        {
            yield return new Hostile("webhook content type " + contentType, "POST", $"/api/webhooks/{Marketplace}",
                [H("Content-Type", contentType), H("X-Timestamp", ts), H("X-Event-Id", Guid.NewGuid().ToString("N")), H("X-Signature", Sign(json, now))], json);
        }
        var huge = Utf8(valid.ToJsonString().Replace("\"buyer-1\"", "\"" + new string('b', 70_000) + "\"", StringComparison.Ordinal));
        yield return SignedWebhook("webhook body over 64 KiB", huge, now);
        foreach (var market in new[] { "nosuch", "TAOBAO", "%2E%2E", "taobao%00", "..", "x".PadRight(300, 'x') })
        {
            yield return new Hostile("webhook to marketplace " + market, "POST", "/api/webhooks/" + market, [Json, H("X-Timestamp", ts), H("X-Event-Id", "e8"), H("X-Signature", Sign(json, now))], json);
        }

        // 3. Seller replies and operator commands: every field broken, raw bodies, content types, keys.
        var replies = new[]
        {
            new JsonObject { ["kind"] = "delay", ["shipBy"] = now.AddDays(2).ToString("O") },
            new JsonObject { ["kind"] = "negotiate", ["plan"] = "换货", ["evidence"] = new JsonArray("photo-1") },
            new JsonObject { ["kind"] = "cannot_ship", ["reason"] = "停产" },
        };
        foreach (var reply in replies)
        {
            foreach (var (path, broken, what) in Mutations(reply))
            {
                yield return Post($"reply: {what} at {path}", $"/api/tickets/{ticketId}/reply", broken, seller);
            }
        }
        foreach (var (name, body) in RawBodies(replies[2]))
        {
            yield return Post("reply raw body: " + name, $"/api/tickets/{ticketId}/reply", body, seller);
        }
        var operatorBodies = new (string Action, JsonObject Body)[]
        {
            ("extend-deadline", new JsonObject { ["by"] = "P1D", ["why"] = "carrier strike" }),
            ("pause", new JsonObject { ["why"] = "investigating" }),
            ("retry-work", new JsonObject { ["key"] = "ticket_opened", ["why"] = "gateway back" }),
            ("resolve-review", new JsonObject { ["cancelPendingCompensation"] = false, ["why"] = "checked" }),
        };
        foreach (var (action, body) in operatorBodies)
        {
            foreach (var (path, broken, what) in Mutations(body))
            {
                yield return Post($"operator {action}: {what} at {path}", $"/api/tickets/{ticketId}/operator/{action}", broken, person);
            }
            foreach (var (name, raw) in RawBodies(body))
            {
                yield return Post($"operator {action} raw body: {name}", $"/api/tickets/{ticketId}/operator/{action}", raw, person);
            }
        }
        yield return Post("operator: unknown action", $"/api/tickets/{ticketId}/operator/delete-everything", Utf8("{\"why\":\"x\"}"), person);
        foreach (var (name, raw) in RawBodies(new JsonObject { ["advanceBy"] = "PT1H" }))
        {
            yield return Post("dev clock raw body: " + name, "/api/dev/clock", raw, admin);
        }
        foreach (var advanceBy in new JsonNode?[] { "PT0S", "-PT1H", "P400D", "P99999999D", "1 hour", 3600, true, null, new JsonArray(), new JsonObject(), "\ud800" })
        {
            yield return Post($"dev clock advanceBy {advanceBy?.ToJsonString() ?? "null"}", "/api/dev/clock",
                Utf8("{\"advanceBy\":" + (advanceBy?.ToJsonString() ?? "null") + "}"), admin);
        }
        foreach (var (name, body) in new (string, byte[])[] { ("[]", Utf8("[]")), ("1", Utf8("1")), ("\"x\"", Utf8("\"x\"")), ("null", Utf8("null")), ("empty", []) })
        {
            yield return Post("dev clock body " + name, "/api/dev/clock", body, admin);
        }
        yield return Post("reply with the admin key (may read, may not reply)", $"/api/tickets/{ticketId}/reply", Utf8(replies[2].ToJsonString()), admin);
        yield return Post("reply with the read-only key", $"/api/tickets/{ticketId}/reply", Utf8(replies[2].ToJsonString()), Bearer(TicketHost.ReadOnlySellerKey));
        yield return Post("reply with another shop's key", $"/api/tickets/{ticketId}/reply", Utf8(replies[2].ToJsonString()), Bearer(TicketHost.OtherSellerKey));
        yield return Post("operator command with a seller key", $"/api/tickets/{ticketId}/operator/pause", Utf8("{\"why\":\"x\"}"), seller);
        yield return Post("operator command with the admin key (no person to audit)", $"/api/tickets/{ticketId}/operator/pause", Utf8("{\"why\":\"x\"}"), admin);

        // 4. Every route: ids and paths broken, unknown methods, keys broken.
        var ids = new[] { "..", "%2E%2E", "%2e%2e%2f%2e%2e", "%00", "a%00b", "%ZZ", "%", "t" + new string('x', 2000), "%E4%BA%8B", "%C3%28", "%ED%A0%80", "'%20or%201=1", "*", "%2F" };
        var reads = new[] { "/api/tickets/{id}", "/api/tickets/{id}/notifications", "/api/orders/taobao/{id}/ticket", "/api/orders/{id}/o-1/ticket" };
        foreach (var template in reads)
        {
            foreach (var id in ids)
            {
                yield return new Hostile($"GET {template} with id {Short(id)}", "GET", template.Replace("{id}", id, StringComparison.Ordinal), [admin], []);
            }
        }
        foreach (var template in new[] { "/api/shops/{id}/ledger", "/api/shops/{id}/standing" })
        {
            // A shop id is free text (webhooks carry it as the marketplace names it); too long or a control character is refused.
            foreach (var id in new[] { new string('s', 2000), "a%01b", "%0A", "%7F" })
            {
                yield return new Hostile($"GET {template} with shop id {Short(id)}", "GET", template.Replace("{id}", id, StringComparison.Ordinal), [admin], []);
            }
        }
        foreach (var id in ids)
        {
            yield return Post($"reply to id {Short(id)}", $"/api/tickets/{id}/reply", Utf8(replies[2].ToJsonString()), seller);
            yield return Post($"operator pause on id {Short(id)}", $"/api/tickets/{id}/operator/pause", Utf8("{\"why\":\"x\"}"), person);
        }
        var routes = new[]
        {
            "/api/webhooks/taobao", $"/api/tickets/{ticketId}", $"/api/tickets/{ticketId}/reply", "/api/tickets", $"/api/tickets/{ticketId}/notifications",
            $"/api/tickets/{ticketId}/operator/pause", "/api/orders/taobao/o-1/ticket", "/api/shops/shop-a/ledger", "/api/shops/shop-a/standing",
            "/api/dev/clock", "/api/me", "/health", "/metrics", "/openapi/v1.json", "/",
        };
        foreach (var route in routes)
        {
            foreach (var method in new[] { "PUT", "DELETE", "PATCH", "FOO", "TRACE" })
            {
                yield return new Hostile($"{method} {route}", method, route, [admin, Json], Utf8("{}"));
            }
        }
        foreach (var route in routes.Where(r => r.StartsWith("/api/", StringComparison.Ordinal) && !r.StartsWith("/api/webhooks", StringComparison.Ordinal)))
        {
            var method = route.EndsWith("/reply", StringComparison.Ordinal) || route.Contains("/operator/", StringComparison.Ordinal) ? "POST" : "GET";
            foreach (var (name, header) in new (string, (string, byte[])?)[]
            {
                ("no key", null),
                ("unknown key", Bearer("not-a-key")),
                ("empty bearer", H("Authorization", "Bearer ")),
                ("basic scheme", H("Authorization", "Basic " + Convert.ToBase64String(Utf8("admin:admin")))),
                ("non-ASCII key", Raw("Authorization", [.. Utf8("Bearer "), 0xE5, 0xAF, 0x86, 0xE9, 0x92, 0xA5])),
                ("key with a NUL", Raw("Authorization", [.. Utf8("Bearer test-admin-key"), 0x01])),
                ("key 10 KB long", Bearer(new string('k', 10_000))),
            })
            {
                IReadOnlyList<(string, byte[])> headers = header is { } h ? [h, Json] : [Json];
                yield return new Hostile($"{method} {route} with {name}", method, route, headers, method == "POST" ? Utf8(replies[2].ToJsonString()) : []);
            }
        }
        foreach (var query in new[]
        {
            "limit=-1", "limit=0", "limit=abc", "limit=99999999999999999999", "limit=1&limit=2", "state=nosuch", "state=", "marketplace=NO%20SUCH",
            "dueBefore=yesterday", "dueBefore=9999-12-31T00:00:00Z", "dueBefore=0001-01-01T00:00:00Z", "continuationToken=%00%01", "continuationToken=" + new string('z', 5000),
            "continuationToken=eyJ9", "shopId=%00", "shopId=" + new string('s', 1000), "state=%ED%A0%80",
        })
        {
            yield return new Hostile("list with " + Short(query), "GET", "/api/tickets?" + query, [admin], []);
        }
        foreach (var target in new[] { "/%00", "/api/%00", "/api/tickets/%00/reply", "/..%2f..%2fetc/passwd", "/" + new string('p', 9000) })
        {
            yield return new Hostile("path " + Short(target), "GET", target, [admin], []);
        }
    }

    /// <summary>Every leaf (and every object) of <paramref name="valid"/> replaced by what it must not be, one at a time.</summary>
    private static IEnumerable<(string Path, byte[] Body, string What)> Mutations(JsonObject valid)
    {
        var leaves = new List<(string Path, JsonNode Node)>();
        Collect(valid, "", leaves);
        foreach (var (path, node) in leaves)
        {
            var isString = node is JsonValue v && v.GetValueKind() == JsonValueKind.String;
            var replacements = new List<(string What, string Json)>
            {
                ("a lone high surrogate", "\"\\ud800\""),
                ("a lone low surrogate", "\"x\\udfffy\""),
                ("an array", "[1,2]"),
                ("an object", "{\"a\":1}"),
                ("an absurd number", "1e400"),
            };
            if (isString)
            {
                replacements.Add(("a boolean", "true"));
                replacements.Add(("a 100,000-character string", "\"" + new string('x', 100_000) + "\""));
            }
            else if (node is JsonValue)
            {
                replacements.Add(("a string", "\"seven\""));
            }
            foreach (var (what, replacement) in replacements)
            {
                yield return (path, Utf8(Replace(valid, path, replacement)), what);
            }
            // The same property twice: the first value valid, the second another (API.md: 199.00 then 0.01).
            yield return (path, Utf8(Duplicate(valid, path)), "a duplicate key");
        }
        foreach (var field in new[] { "paidAt", "promisedShipBy", "occurredAt", "shipBy", "approvedShipBy", "approvedDelayShipBy" })
        {
            foreach (var date in new[] { "9999-12-31T23:00:00+00:00", "0001-01-01T00:00:00+00:00", "2026-13-45T99:99:99+08:00", "2026-11-23T10:00:00" })
            {
                if (valid.ContainsKey(field))
                {
                    yield return (field, Utf8(Replace(valid, field, JsonSerializer.Serialize(date))), "the date " + date);
                }
                else if (valid["order"] is JsonObject && field is "paidAt" or "promisedShipBy" or "approvedDelayShipBy")
                {
                    yield return ("order." + field, Utf8(Replace(valid, "order." + field, JsonSerializer.Serialize(date))), "the date " + date);
                }
            }
        }
        foreach (var amount in new[] { "-1.00", "0", "1.001", "1e3", "NaN", "99999999999999999999.00", "１９９.００", " 199.00" })
        {
            if (valid["order"] is JsonObject)
            {
                yield return ("order.paidAmount", Utf8(Replace(valid, "order.paidAmount", JsonSerializer.Serialize(amount))), "the amount " + amount);
            }
        }
    }

    private static IEnumerable<(string Name, byte[] Body)> RawBodies(JsonObject valid)
    {
        var text = valid.ToJsonString();
        var bytes = Utf8(text);
        yield return ("invalid UTF-8 inside a string", [.. Utf8(text[..^2]), 0xC3, 0x28, .. Utf8(text[^2..])]);
        yield return ("an overlong UTF-8 sequence", [.. Utf8(text[..^2]), 0xC0, 0xAF, .. Utf8(text[^2..])]);
        yield return ("a UTF-8-encoded surrogate", [.. Utf8(text[..^2]), 0xED, 0xA0, 0x80, .. Utf8(text[^2..])]);
        yield return ("a lone continuation byte", [0x80, .. bytes]);
        yield return ("Latin-1 text", Encoding.Latin1.GetBytes(text.Replace("}", ",\"x\":\"café\"}", StringComparison.Ordinal)));
        yield return ("UTF-16", Encoding.Unicode.GetBytes(text));
        yield return ("truncated", bytes[..(bytes.Length / 2)]);
        yield return ("empty", []);
        yield return ("whitespace", Utf8("   "));
        yield return ("an array", Utf8("[]"));
        yield return ("a number", Utf8("42"));
        yield return ("a string", Utf8("\"hello\""));
        yield return ("null", Utf8("null"));
        yield return ("two documents", Utf8(text + text));
        yield return ("a trailing comma", Utf8(text[..^1] + ",}"));
        yield return ("a comment", Utf8("/* hi */" + text));
        yield return ("single quotes", Utf8(text.Replace('"', '\'')));
        yield return ("nested 200 deep", Utf8(new string('[', 200) + new string(']', 200)));
        yield return ("a NUL byte", [.. bytes[..^1], 0x00, .. bytes[^1..]]);
        yield return ("a duplicate top-level key", Utf8(text[..^1] + "," + text[1..]));
    }

    private static void Collect(JsonNode node, string path, List<(string, JsonNode)> leaves)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    if (child is not null)
                    {
                        var at = path.Length == 0 ? key : path + "." + key;
                        if (child is JsonObject)
                        {
                            leaves.Add((at, child));
                        }
                        Collect(child, at, leaves);
                    }
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is { } item)
                    {
                        Collect(item, $"{path}[{i}]", leaves);
                    }
                }
                break;
            default:
                leaves.Add((path, node));
                break;
        }
    }

    /// <summary>The JSON text of <paramref name="valid"/> with the node at <paramref name="path"/> replaced by raw JSON.</summary>
    private static string Replace(JsonObject valid, string path, string rawJson)
    {
        const string marker = "\"__REPLACED__\"";
        var copy = valid.DeepClone().AsObject();
        Set(copy, path, JsonValue.Create("__REPLACED__"));
        return copy.ToJsonString().Replace(marker, rawJson, StringComparison.Ordinal);
    }

    /// <summary>The JSON text with the property at <paramref name="path"/> written twice, the second time with another value.</summary>
    private static string Duplicate(JsonObject valid, string path)
    {
        var name = path.Split('.')[^1];
        if (name.Contains('[', StringComparison.Ordinal))
        {
            // An array element has no key: write the body's first key twice instead.
            var first = valid.First();
            return valid.ToJsonString()[..^1] + $",\"{first.Key}\":{first.Value!.ToJsonString()}}}";
        }
        var copy = valid.DeepClone().AsObject();
        var original = Get(copy, path)!.ToJsonString();
        Set(copy, path, JsonValue.Create("__DUPLICATED__"));
        return copy.ToJsonString().Replace($"\"{name}\":\"__DUPLICATED__\"", $"\"{name}\":{original},\"{name}\":\"0.01\"", StringComparison.Ordinal);
    }

    private static JsonNode? Get(JsonNode root, string path)
    {
        var node = root;
        foreach (var step in Steps(path))
        {
            node = step is int i ? node![i] : node![(string)step];
        }
        return node;
    }

    private static void Set(JsonNode root, string path, JsonNode value)
    {
        var steps = Steps(path).ToList();
        var parent = root;
        foreach (var step in steps[..^1])
        {
            parent = step is int i ? parent![i] : parent![(string)step];
        }
        if (steps[^1] is int index)
        {
            parent!.AsArray()[index] = value;
        }
        else
        {
            parent!.AsObject()[(string)steps[^1]] = value;
        }
    }

    private static IEnumerable<object> Steps(string path)
    {
        foreach (var part in path.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket < 0)
            {
                yield return part;
                continue;
            }
            if (bracket > 0)
            {
                yield return part[..bracket];
            }
            foreach (var index in part[bracket..].Split(['[', ']'], StringSplitOptions.RemoveEmptyEntries))
            {
                yield return int.Parse(index, CultureInfo.InvariantCulture);
            }
        }
    }

    // ------------------------------------------------------------------ requests on the wire

    private static readonly (string, byte[]) Json = H("Content-Type", "application/json");

    private static (string, byte[]) H(string name, string value) => (name, Utf8(value));

    private static (string, byte[]) Raw(string name, byte[] value) => (name, value);

    private static (string, byte[]) Bearer(string key) => H("Authorization", "Bearer " + key);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Short(string text) => text.Length > 40 ? text[..40] + "…" : text;

    private static string Sign(byte[] body, DateTimeOffset at, string marketplace = Marketplace) =>
        Security.WebhookSignature.Sign(TicketHost.Secrets[marketplace], at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), body);

    private static Hostile SignedWebhook(string name, byte[] body, DateTimeOffset now, string marketplace = Marketplace) =>
        new(name, "POST", $"/api/webhooks/{marketplace}",
            [Json, H("X-Timestamp", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)), H("X-Event-Id", Guid.NewGuid().ToString("N")), H("X-Signature", Sign(body, now, marketplace))], body);

    private static Hostile Post(string name, string target, byte[] body, (string, byte[]) key) =>
        new(name, "POST", target, [Json, key, H("Idempotency-Key", Guid.NewGuid().ToString("N"))], body);

    /// <summary>One HTTP/1.1 request on its own connection, exactly these bytes; the answer read to the end.</summary>
    private static async Task<Answer> SendAsync(int port, Hostile request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
        await using var stream = tcp.GetStream();
        using var head = new MemoryStream();
        void Line(byte[] bytes)
        {
            head.Write(bytes);
            head.Write("\r\n"u8);
        }
        Line(Encoding.Latin1.GetBytes($"{request.Method} {request.Target} HTTP/1.1"));
        Line(Utf8($"Host: 127.0.0.1:{port}"));
        Line("Connection: close"u8.ToArray());
        foreach (var (name, value) in request.Headers)
        {
            Line([.. Utf8(name + ": "), .. value]);
        }
        if (request.Body.Length > 0 || request.Method is "POST" or "PUT" or "PATCH")
        {
            Line(Utf8("Content-Length: " + request.Body.Length.ToString(CultureInfo.InvariantCulture)));
        }
        Line([]);
        await stream.WriteAsync(head.ToArray());
        try
        {
            await stream.WriteAsync(request.Body);
        }
        catch (IOException)
        {
            // the server answered (e.g. 413) and closed before taking the whole body: read what it said
        }
        using var answer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(answer);
        }
        catch (IOException)
        {
            // a reset after the answer was sent
        }
        return Parse(answer.ToArray());
    }

    private static Answer Parse(byte[] raw)
    {
        var split = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        if (split < 0)
        {
            return new Answer(0, "", "no HTTP answer: " + Encoding.UTF8.GetString(raw));
        }
        var lines = Encoding.Latin1.GetString(raw, 0, split).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First()[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = raw.AsSpan(split + 4).ToArray();
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }
        return new Answer(status, headers.GetValueOrDefault("Content-Type") ?? "", Encoding.UTF8.GetString(body));
    }

    private static byte[] Dechunk(byte[] chunked)
    {
        using var result = new MemoryStream();
        var at = 0;
        while (at < chunked.Length)
        {
            var end = chunked.AsSpan(at).IndexOf("\r\n"u8);
            if (end < 0)
            {
                break;
            }
            var size = int.Parse(Encoding.ASCII.GetString(chunked, at, end).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                break;
            }
            var start = at + end + 2;
            result.Write(chunked, start, Math.Min(size, chunked.Length - start));
            at = start + size + 2;
        }
        return result.ToArray();
    }
}
