using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace UrgeShipment.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class AdminTests(DashboardHost host)
{
    [Fact]
    public async Task Admin_ReadsEveryShopsTickets_ButHasNoOperatorCommands()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        var errors = Ui.CollectErrors(page);
        await Ui.SignInAsync(page, DashboardHost.AdminKey);
        await page.Locator("#lang-select").SelectOptionAsync("en");
        await Expect(page.Locator("[data-testid=role]")).ToHaveTextAsync("Admin");
        await Expect(Ui.Row(page, host.Seeded["b-second"])).ToBeVisibleAsync();
        await Ui.Row(page, host.Seeded["b-second"]).ClickAsync();
        await Expect(page.Locator("#reply-section")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=operator]")).ToHaveCountAsync(0); // commands are audited under a person's own key
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Operator_SeesBothShops_FiltersByShop_AndRunsOperatorCommandsWithAReason_UnderTheirOwnName()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        var errors = Ui.CollectErrors(page);
        await Ui.SignInAsync(page, DashboardHost.OperatorKey);
        await page.Locator("#lang-select").SelectOptionAsync("en");
        await Expect(page.Locator("[data-testid=role]")).ToHaveTextAsync("Operator · " + DashboardHost.OperatorName);
        await Expect(page.Locator("#footer-clock")).ToHaveAttributeAsync("data-source", "server");

        // Both shops on one board, with a shop column.
        await Expect(Ui.Row(page, host.Seeded["a-urgent"])).ToBeVisibleAsync();
        await Expect(Ui.Row(page, host.Seeded["b-secret-order"])).ToBeVisibleAsync();
        await Expect(Ui.Row(page, host.Seeded["b-second"])).ToBeVisibleAsync();
        await Ui.ScreenshotAsync(page, "board-admin");

        // The shop filter (admin and operators).
        await page.GetByLabel("Shop", new() { Exact = true }).FillAsync(DashboardHost.ShopB);
        await page.GetByLabel("Shop", new() { Exact = true }).PressAsync("Enter");
        await Expect(Ui.Row(page, host.Seeded["a-urgent"])).ToHaveCountAsync(0);
        await Expect(Ui.Rows(page)).ToHaveCountAsync(2);
        Assert.All(await Ui.Rows(page).EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.shopId)"), shop => Assert.Equal(DashboardHost.ShopB, shop));

        // A ticket page shows the operator commands; each needs a reason, and shows the result or the problem.
        await Ui.Row(page, host.Seeded["b-second"]).ClickAsync();
        var operatorPanel = page.Locator("[data-testid=operator]");
        await Expect(operatorPanel).ToBeVisibleAsync();
        foreach (var command in new[] { "extend-deadline", "pause", "resume", "resolve-review", "force-complete" })
        {
            await Expect(operatorPanel.Locator($"button[data-op={command}]")).ToBeVisibleAsync();
        }
        await operatorPanel.Locator("button[data-op=extend-deadline]").ClickAsync();
        var dialog = page.Locator("dialog[data-op=extend-deadline]");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByLabel("Extend by")).ToHaveValueAsync("PT4H");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Run command" }).ClickAsync();
        await Expect(dialog.GetByLabel("Why (required)")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(dialog).ToBeVisibleAsync(); // nothing was sent without a reason
        await dialog.GetByLabel("Why (required)").FillAsync("Courier strike in the region (dashboard test)");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Run command" }).ClickAsync();
        await Expect(page.Locator("[data-testid=op-ok]")).ToBeVisibleAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=history] li[data-type=deadline_extended]")).ToContainTextAsync("Courier strike");
        await Expect(page.Locator("[data-testid=history] li[data-type=deadline_extended]")).ToContainTextAsync(DashboardHost.OperatorName);
        await Expect(page.Locator(".ticket-countdown .cd-time")).ToContainTextAsync("1d 03:"); // 24 h + 4 h
        await Ui.ScreenshotAsync(page, "ticket-admin");

        // Pause freezes the countdown; resume brings it back.
        await RunOperatorCommandAsync(page, "pause", "Waiting for the platform (dashboard test)");
        await Expect(page.Locator(".ticket-countdown [data-testid=paused]")).ToBeVisibleAsync();
        await RunOperatorCommandAsync(page, "resume", "Platform answered (dashboard test)");
        await Expect(page.Locator(".ticket-countdown .countdown[data-due]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=history] li[data-type=clock_resumed]")).ToHaveCountAsync(1);

        // A command the ticket cannot take now shows the problem inline, in the dialog.
        await page.Locator("[data-testid=operator] button[data-op=resume]").ClickAsync();
        var resume = page.Locator("dialog[data-op=resume]");
        await resume.GetByLabel("Why (required)").FillAsync("Nothing is paused (dashboard test)");
        await resume.GetByRole(AriaRole.Button, new() { Name = "Run command" }).ClickAsync();
        await Expect(resume.Locator(".problem")).ToContainTextAsync("409");
        await resume.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(resume).ToHaveCountAsync(0);

        // Paging with the continuation token: next page, then back to the first.
        await page.GotoAsync("/#/?limit=2");
        await Expect(Ui.Rows(page)).ToHaveCountAsync(2);
        var firstPage = await Ui.Rows(page).EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.ticketId)");
        await page.Locator("#next-page").ClickAsync();
        await Expect(page.Locator(".pager")).ToContainTextAsync("Page 2");
        await Expect(Ui.Rows(page)).ToHaveCountAsync(2);
        var secondPage = await Ui.Rows(page).EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.ticketId)");
        Assert.Empty(firstPage.Intersect(secondPage));
        await page.Locator("#first-page").ClickAsync();
        await Expect(page.Locator(".pager")).ToContainTextAsync("Page 1");
        await Expect(Ui.Rows(page)).ToHaveCountAsync(2);

        // The shop page: ledger, standing (or "not available"), tickets per day, timer lateness (or "no data yet").
        await page.GotoAsync($"/#/shops/{DashboardHost.ShopA}");
        await Expect(page.Locator("main h1")).ToHaveTextAsync($"Shop {DashboardHost.ShopA}");
        await Expect(page.Locator("#ledger .stat-value").First).ToHaveTextAsync("¥9.95");
        await Expect(page.Locator("#ledger")).ToContainTextAsync("Out of stock");
        await Expect(page.Locator("#ledger svg.chart")).ToBeVisibleAsync();
        await Expect(page.Locator("#standing [data-testid=total-points], #standing [data-testid=standing-na]").First).ToBeVisibleAsync();
        await Expect(page.Locator("#per-day svg.chart")).ToBeVisibleAsync();
        await Expect(page.Locator("#per-day .legend")).ToContainTextAsync("Awaiting seller execution");
        await Expect(page.Locator("#per-day .legend")).ToContainTextAsync("Out-of-stock compensated");
        await Expect(page.Locator("#lateness svg.chart, #lateness [data-testid=lateness-empty]").First).ToBeVisibleAsync();
        await Ui.ScreenshotAsync(page, "shop-admin", fullPage: true);
        Assert.Empty(errors);
    }

    private static async Task RunOperatorCommandAsync(IPage page, string command, string why)
    {
        await page.Locator($"[data-testid=operator] button[data-op={command}]").ClickAsync();
        var dialog = page.Locator($"dialog[data-op={command}]");
        await dialog.GetByLabel("Why (required)").FillAsync(why);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Run command" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=op-ok]")).ToBeVisibleAsync();
    }
}
