using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>Seller endpoints: keys, permissions, shop scoping, idempotent replies, validation that changes nothing, listing.</summary>
public sealed class SellerApiTests(AzuriteServer azurite) : HostTests(azurite)
{

    private async Task<string> OpenAsync(string shop = TicketHost.Shop, string marketplace = "xiaohongshu")
    {
        var answer = await Host.WebhookOkAsync(marketplace, Payloads.Urge(Payloads.NewOrderId(), Now, Now.AddDays(-3), shopId: shop));
        return (string)answer["ticketId"]!;
    }

    [Fact]
    public async Task NoKeyOrUnknownKey_Is401()
    {
        var ticketId = await OpenAsync();
        foreach (var key in new[] { null, "not-a-key" })
        {
            using var client = Host.As(key);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/tickets/{ticketId}")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync($"/api/tickets/{ticketId}/reply", new { kind = "cannot_ship", reason = "x" })).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/tickets")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/shops/{TicketHost.Shop}/ledger")).StatusCode);
        }
    }

    [Fact]
    public async Task OtherShopsSeller_Is403OnReadReplyAndLedger_AndNothingChanges()
    {
        var ticketId = await OpenAsync();
        using var other = Host.As(TicketHost.OtherSellerKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/tickets/{ticketId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/shops/{TicketHost.Shop}/ledger")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/tickets?shopId={TicketHost.Shop}")).StatusCode);
        var (status, problem) = await Host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "x" }, TicketHost.OtherSellerKey);
        Assert.Equal(403, status);
        Assert.Equal("forbidden", (string?)problem["code"]);
        Assert.Null((await Host.TicketAsync(ticketId))!["reply"]);
    }

    [Fact]
    public async Task Me_TellsRolesShopsPermissionsAndServerTime()
    {
        using var seller = Host.As(TicketHost.ReadOnlySellerKey);
        var me = JsonNode.Parse(await seller.GetStringAsync("/api/me"))!;
        Assert.Equal("seller", (string?)me["role"]);
        Assert.Equal(TicketHost.Shop, (string?)me["shopId"]);
        Assert.Equal(["tickets.read"], me["permissions"]!.AsArray().Select(p => (string?)p));
        var serverTime = DateTimeOffset.Parse((string)me["serverTime"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(Now - serverTime, TimeSpan.Zero, TimeSpan.FromSeconds(30)); // the host's business clock, not the machine's
        using var admin = Host.As(TicketHost.AdminKey);
        Assert.Equal("admin", (string?)JsonNode.Parse(await admin.GetStringAsync("/api/me"))!["role"]);
        using var nobody = Host.As("wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await nobody.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task ReadOnlyKey_CannotReply()
    {
        var ticketId = await OpenAsync();
        var (status, _) = await Host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "x" }, TicketHost.ReadOnlySellerKey);
        Assert.Equal(403, status);
        Assert.NotNull(await Host.TicketAsync(ticketId, TicketHost.ReadOnlySellerKey));
    }

    [Fact]
    public async Task UnknownTicket_Is404()
    {
        var (status, problem) = await Host.ReplyAsync("tnotaticketatallxxxxxxxxxx", new { kind = "cannot_ship", reason = "x" });
        Assert.Equal(404, status);
        Assert.Equal("ticket_not_found", (string?)problem["code"]);
        using var client = Host.As(TicketHost.SellerKey);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/tickets/whatever")).StatusCode);
    }

    public static TheoryData<object, string, string?> BadReplies => new()
    {
        { new { kind = "maybe" }, "kind", null },
        { new { kind = "delay" }, "shipBy", null },
        { new { kind = "delay", shipBy = "tomorrow" }, "shipBy", null },
        { new { kind = "delay", shipBy = "2026-11-28T02:00:01Z" }, "shipBy", "delay_out_of_range" },
        { new { kind = "delay", shipBy = "2026-11-23T02:00:00Z" }, "shipBy", "delay_out_of_range" },
        { new { kind = "negotiate", plan = "plan" }, "evidence", null },
        { new { kind = "negotiate", plan = "plan", evidence = Array.Empty<string>() }, "evidence", null },
        { new { kind = "negotiate", evidence = new[] { "x" } }, "plan", null },
        { new { kind = "cannot_ship", reason = "  " }, "reason", null },
    };

    [Theory]
    [MemberData(nameof(BadReplies))]
    public async Task InvalidReply_Is422NamingTheFieldAndChangesNothing(object body, string field, string? code)
    {
        var ticketId = await OpenAsync();
        var before = await Host.SettledAsync(ticketId);
        var (status, problem) = await Host.ReplyAsync(ticketId, body);
        Assert.Equal(422, status);
        Assert.True(problem["errors"]?.AsObject().ContainsKey(field), problem.ToJsonString());
        if (code is not null)
        {
            Assert.Equal(code, (string?)problem["code"]);
        }
        var after = (await Host.TicketAsync(ticketId))!;
        Assert.Equal((long)before["version"]!, (long)after["version"]!);
    }

    [Fact]
    public async Task MalformedReplyJson_Is400()
    {
        var ticketId = await OpenAsync();
        using var client = Host.As(TicketHost.SellerKey);
        using var response = await client.PostAsync($"/api/tickets/{ticketId}/reply", new StringContent("{oops", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task DelayAtExactlyFiveDays_IsAccepted_AndSecondReplyIsRefused()
    {
        var ticketId = await OpenAsync();
        var (status, view) = await Host.ReplyAsync(ticketId, new { kind = "delay", shipBy = Now.AddDays(5).ToString("O") }, idempotencyKey: "k1");
        Assert.Equal(200, status);
        Assert.Equal("awaiting_seller_execution", (string?)view["state"]);

        // Same Idempotency-Key: the first result again, nothing new recorded.
        var (again, view2) = await Host.ReplyAsync(ticketId, new { kind = "delay", shipBy = Now.AddDays(5).ToString("O") }, idempotencyKey: "k1");
        Assert.Equal(200, again);
        Assert.Equal(view["reply"]!.ToJsonString(), view2["reply"]!.ToJsonString());
        Assert.Single(view2["history"]!.AsArray(), h => ((string?)h!["type"])!.StartsWith("seller_replied", StringComparison.Ordinal));

        // A different reply: one reply per ticket.
        var (second, problem) = await Host.ReplyAsync(ticketId, new { kind = "cannot_ship", reason = "x" });
        Assert.Equal(409, second);
        Assert.Contains((string?)problem["code"], new[] { "already_replied", "invalid_state" });
    }

    [Fact]
    public async Task Listing_SellerSeesOwnShopOnly_AdminSeesAll_FiltersAndPages()
    {
        var mine = await OpenAsync(TicketHost.Shop, "taobao");
        var theirs = await OpenAsync(TicketHost.OtherShop, "taobao");
        await Host.WaitUntilAsync(mine, _ => true);

        async Task<JsonObject> ListAsync(string key, string query)
        {
            using var client = Host.As(key);
            using var response = await client.GetAsync("/api/tickets" + query);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, text);
            return JsonNode.Parse(text)!.AsObject();
        }

        var sellerView = await ListAsync(TicketHost.SellerKey, "?marketplace=taobao");
        var ids = sellerView["items"]!.AsArray().Select(i => (string?)i!["ticketId"]).ToList();
        Assert.Contains(mine, ids);
        Assert.DoesNotContain(theirs, ids);
        Assert.All(sellerView["items"]!.AsArray(), i => Assert.Equal(TicketHost.Shop, (string?)i!["shopId"]));

        var adminView = await ListAsync(TicketHost.AdminKey, "?marketplace=taobao&state=awaiting_seller_reply");
        var all = adminView["items"]!.AsArray().Select(i => (string?)i!["ticketId"]).ToList();
        Assert.Contains(mine, all);
        Assert.Contains(theirs, all);

        var due = await ListAsync(TicketHost.AdminKey, "?dueBefore=" + Uri.EscapeDataString(Now.AddHours(1).ToString("O")));
        Assert.DoesNotContain(mine, due["items"]!.AsArray().Select(i => (string?)i!["ticketId"]));

        var page = await ListAsync(TicketHost.AdminKey, "?limit=1");
        Assert.Single(page["items"]!.AsArray());
        Assert.NotNull((string?)page["continuationToken"]);
        var next = await ListAsync(TicketHost.AdminKey, "?limit=1&continuationToken=" + Uri.EscapeDataString((string)page["continuationToken"]!));
        Assert.NotEqual((string?)page["items"]![0]!["ticketId"], (string?)next["items"]![0]!["ticketId"]);
    }

    [Theory]
    [InlineData("?state=nope", "state")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=abc", "limit")]
    [InlineData("?dueBefore=yesterday", "dueBefore")]
    [InlineData("?continuationToken=%%%", "continuationToken")]
    public async Task BadListingQuery_Is400NamingTheField(string query, string field)
    {
        using var client = Host.As(TicketHost.AdminKey);
        using var response = await client.GetAsync("/api/tickets" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field));
    }
}
