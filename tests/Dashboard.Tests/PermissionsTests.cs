using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace UrgeShipment.Dashboard.Tests;

/// <summary>What <c>GET /api/me</c> says about a key decides what the dashboard offers; countdowns run on the server's clock.</summary>
[Collection(DashboardCollection.Name)]
public sealed partial class PermissionsTests(DashboardHost host)
{
    [Fact]
    public async Task ReadOnlySeller_SeesNoReplyForm_AndAPausedTicketShowsPausedOnTheBoard()
    {
        var now = await host.ServerNowAsync();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var waiting = await host.OpenTicketAsync("xiaohongshu", DashboardHost.ShopC, "c-waiting-" + suffix, now);
        var paused = await host.OpenTicketAsync("taobao", DashboardHost.ShopC, "c-paused-" + suffix, now);
        await host.OperatorAsync(paused, "pause", "Waiting for the platform (dashboard test)");
        await host.WaitForListingAsync(DashboardHost.SellerReadOnlyKey, [waiting, paused],
            t => (string?)t["ticketId"] != paused || t["pausedAt"] is not null);

        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        var errors = Ui.CollectErrors(page);
        var calls = new List<string>();
        page.Request += (_, request) => calls.Add(new Uri(request.Url).AbsolutePath);

        await Ui.SignInAsync(page, DashboardHost.SellerReadOnlyKey);
        await Expect(page.Locator("[data-testid=role]")).ToHaveTextAsync($"卖家 · {DashboardHost.ShopC}"); // the shop from /api/me
        await Expect(page.Locator("#footer-clock")).ToHaveAttributeAsync("data-source", "server"); // sellers count on server time too

        // The paused row says so instead of ticking, without an urgency colour; the other row ticks as usual.
        var pausedRow = Ui.Row(page, paused);
        await Expect(pausedRow.Locator("[data-testid=paused]")).ToContainTextAsync("已暂停");
        await Expect(pausedRow).ToHaveAttributeAsync("data-urgency", "paused");
        await Expect(pausedRow.Locator(".countdown[data-due]")).ToHaveCountAsync(0);
        await Expect(pausedRow.Locator(".countdown")).Not.ToHaveClassAsync(Urgent());
        await Expect(Ui.Row(page, waiting).Locator(".countdown[data-due]")).ToHaveClassAsync(new Regex(@"\bdue-ok\b"));
        var frozen = await pausedRow.Locator(".countdown").TextContentAsync();
        var ticking = Ui.Row(page, waiting).Locator(".cd-time");
        var before = await ticking.TextContentAsync();
        await Expect(ticking).Not.ToHaveTextAsync(before!, new() { Timeout = 3000 });
        await Expect(pausedRow.Locator(".countdown")).ToHaveTextAsync(frozen!); // it did not tick meanwhile
        await page.Locator("#lang-select").SelectOptionAsync("en");
        await Expect(pausedRow.Locator("[data-testid=paused]")).ToContainTextAsync("paused");
        await Ui.ScreenshotAsync(page, "board-paused");

        // A key without tickets.reply: no reply form, a short note instead; no operator commands.
        await pausedRow.ClickAsync(); // the paused ticket's page shows the pause from pausedAt
        await Expect(page.Locator(".ticket-countdown [data-testid=paused]")).ToContainTextAsync("paused since");
        await page.GotoAsync($"/#/tickets/{waiting}");
        await Expect(page.Locator(".ticket-status .state-badge")).ToHaveAttributeAsync("data-state", "awaiting_seller_reply");
        await Expect(page.Locator("[data-testid=read-only]")).ToBeVisibleAsync();
        await Expect(page.Locator("#reply-form")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=operator]")).ToHaveCountAsync(0);

        // A reload restores the session and re-reads /api/me: still read-only.
        await page.ReloadAsync();
        await Expect(page.Locator("[data-testid=read-only]")).ToBeVisibleAsync();
        await Expect(page.Locator("#reply-form")).ToHaveCountAsync(0);
        await Ui.ScreenshotAsync(page, "ticket-read-only");

        Assert.Contains("/api/me", calls);
        Assert.DoesNotContain("/api/dev/clock", calls);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task CompletedTicketWithCompensation_ShowsItsViolationPoints()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        var errors = Ui.CollectErrors(page);
        await Ui.SignInAsync(page, DashboardHost.SellerAKey);
        await page.GotoAsync($"/#/tickets/{host.Seeded["a-nostock"]}");
        await Expect(page.Locator(".ticket-status .state-badge")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(page.Locator("[data-testid=violation-points]")).ToHaveTextAsync(new Regex(@"^\d+$"));
        Assert.Empty(errors);
    }

    [GeneratedRegex(@"\bdue-(ok|amber|red|overdue)\b")]
    private static partial Regex Urgent();
}
