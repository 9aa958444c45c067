using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace UrgeShipment.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed partial class SellerBoardTests(DashboardHost host)
{
    [Fact]
    public async Task Seller_SeesLiveCountdowns_FiltersOpensByKeyboardAndRepliesWithDelay()
    {
        var now = await host.ServerNowAsync();
        var ticketId = await host.OpenTicketAsync("xiaohongshu", DashboardHost.ShopA, "a-reply-" + Guid.NewGuid().ToString("N")[..6], now);
        await host.WaitForListingAsync(DashboardHost.SellerAKey, [ticketId], _ => true);
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        var errors = Ui.CollectErrors(page);

        await Ui.SignInAsync(page, DashboardHost.SellerAKey);

        // Board, zh-CN by default: sorted by the active deadline, with colour AND text for urgency.
        var urgent = Ui.Row(page, host.Seeded["a-urgent"]).Locator(".countdown");
        await Expect(urgent).ToHaveClassAsync(DueRed());
        await Expect(urgent).ToContainTextAsync("< 1 小时");
        await Expect(Ui.Row(page, host.Seeded["a-soon"]).Locator(".countdown")).ToHaveClassAsync(DueAmber());
        await Expect(Ui.Row(page, host.Seeded["a-soon"]).Locator(".countdown")).ToContainTextAsync("< 4 小时");
        await Expect(Ui.Row(page, ticketId).Locator(".countdown")).ToHaveClassAsync(DueOk());
        await Expect(Ui.Rows(page).First).ToHaveAttributeAsync("data-ticket-id", host.Seeded["a-urgent"]);
        await Expect(page.Locator("[data-testid=count-awaiting_seller_execution]")).ToHaveTextAsync("2");
        await Ui.ScreenshotAsync(page, "board-seller-zh");

        // The countdown is live: it ticks every second against the (server) clock.
        var time = urgent.Locator(".cd-time");
        var before = await time.TextContentAsync();
        await Expect(time).Not.ToHaveTextAsync(before!, new() { Timeout = 3000 });

        // English, persisted across a reload (the key stays in this tab's session).
        await page.Locator("#lang-select").SelectOptionAsync("en");
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Ticket board");
        await page.ReloadAsync();
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Ticket board");
        await Expect(urgent).ToContainTextAsync("< 1 h");
        await Expect(urgent).ToContainTextAsync("left");
        Ui.Publish(await Ui.ScreenshotAsync(page, "board"), "board.png");

        // Filters: by marketplace, then by state.
        await page.GetByLabel("Marketplace", new() { Exact = true }).SelectOptionAsync("taobao");
        await Expect(Ui.Rows(page)).ToHaveCountAsync(1);
        await Expect(Ui.Rows(page).First).ToHaveAttributeAsync("data-ticket-id", host.Seeded["a-soon"]);
        await page.GetByLabel("Marketplace", new() { Exact = true }).SelectOptionAsync("");
        await Expect(Ui.Rows(page)).ToHaveCountAsync(5);
        await page.GetByLabel("Due before", new() { Exact = true }).FillAsync(Ui.LocalInput(now.AddHours(2)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(Ui.Rows(page)).ToHaveCountAsync(1);
        await Expect(Ui.Rows(page).First).ToHaveAttributeAsync("data-ticket-id", host.Seeded["a-urgent"]);
        await page.GetByRole(AriaRole.Link, new() { Name = "Clear filters" }).ClickAsync();
        await Expect(Ui.Rows(page)).ToHaveCountAsync(5);
        await page.GetByRole(AriaRole.Button, new() { Name = "within 4 h" }).ClickAsync();
        await Expect(Ui.Rows(page)).ToHaveCountAsync(2); // a-urgent and a-soon
        await page.GetByRole(AriaRole.Link, new() { Name = "Clear filters" }).ClickAsync();
        await Expect(Ui.Rows(page)).ToHaveCountAsync(5);
        await page.GetByLabel("State", new() { Exact = true }).SelectOptionAsync("awaiting_seller_reply");
        await Expect(Ui.Row(page, ticketId)).ToBeVisibleAsync();
        await Expect(Ui.Row(page, host.Seeded["a-urgent"])).ToHaveCountAsync(0);
        await Expect(Ui.Row(page, host.Seeded["a-soon"])).ToHaveCountAsync(0);
        Assert.Contains("state=awaiting_seller_reply", page.Url, StringComparison.Ordinal);

        // Rows are reachable by Tab and open with Enter.
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).FocusAsync();
        var row = Ui.Row(page, ticketId);
        for (var i = 0; i < 12 && !await row.EvaluateAsync<bool>("r => r === document.activeElement"); i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }
        await Expect(row).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex($"#/tickets/{ticketId}$"));
        await Expect(page.Locator(".ticket-status .state-badge")).ToHaveAttributeAsync("data-state", "awaiting_seller_reply");
        await Expect(page.Locator("[data-testid=policy]")).ToHaveTextAsync("XHS-2024");
        await Expect(page.Locator("[data-testid=history] li[data-type=ticket_opened]")).ToHaveCountAsync(1);

        // A reply the API refuses shows the problem's detail and field errors inline.
        var form = page.Locator("#reply-form");
        await form.GetByLabel("New ship-by time").FillAsync(Ui.LocalInput(now.AddDays(9)));
        await form.GetByRole(AriaRole.Button, new() { Name = "Send reply" }).ClickAsync();
        await Expect(form.Locator(".problem")).ToBeVisibleAsync();
        await Expect(form.Locator(".field-error[data-field=shipBy]")).ToBeVisibleAsync();
        await Expect(form.GetByLabel("New ship-by time")).ToHaveAttributeAsync("aria-invalid", "true");

        // A valid delay moves the ticket to awaiting_seller_execution with the new ship-by deadline.
        await form.GetByLabel("New ship-by time").FillAsync(Ui.LocalInput(now.AddDays(2)));
        await form.GetByRole(AriaRole.Button, new() { Name = "Send reply" }).ClickAsync();
        await Expect(page.Locator(".ticket-status .state-badge")).ToHaveAttributeAsync("data-state", "awaiting_seller_execution");
        await Expect(page.Locator(".ticket-status .state-badge")).ToHaveTextAsync("Awaiting seller execution");
        await Expect(page.Locator("[data-testid=reply-kind]")).ToHaveTextAsync("Delay");
        await Expect(page.Locator("[data-testid=history] li[data-type=seller_replied_with_delay]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#reply-form")).ToHaveCountAsync(0);
        await Expect(page.Locator(".ticket-countdown .countdown")).ToHaveClassAsync(DueOk());
        Ui.Publish(await Ui.ScreenshotAsync(page, "ticket"), "ticket.png");
        await Ui.ScreenshotAsync(page, "ticket-full", fullPage: true);
        Assert.Empty(errors);
    }

    [GeneratedRegex(@"\bdue-red\b")]
    private static partial Regex DueRed();

    [GeneratedRegex(@"\bdue-amber\b")]
    private static partial Regex DueAmber();

    [GeneratedRegex(@"\bdue-ok\b")]
    private static partial Regex DueOk();
}
