using static Microsoft.Playwright.Assertions;

namespace UrgeShipment.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class NarrowLayoutTests(DashboardHost host)
{
    [Fact]
    public async Task At390Pixels_BoardRendersAsCards_AndNothingOverflowsSideways()
    {
        await using var context = await host.NewContextAsync(width: 390, height: 844);
        var page = await context.NewPageAsync();
        var errors = Ui.CollectErrors(page);
        await Ui.SignInAsync(page, DashboardHost.SellerAKey);

        var urgent = Ui.Row(page, host.Seeded["a-urgent"]);
        await Expect(urgent.Locator(".countdown")).ToBeVisibleAsync();
        Assert.Equal("grid", await urgent.EvaluateAsync<string>("r => getComputedStyle(r).display"));
        Assert.Equal("none", await page.Locator("table.tickets thead").EvaluateAsync<string>("t => getComputedStyle(t).display === 'none' || t.getBoundingClientRect().height <= 1 ? 'none' : 'shown'"));
        await Ui.AssertNoHorizontalOverflowAsync(page);
        await Ui.ScreenshotAsync(page, "board-390", fullPage: true);

        await urgent.ClickAsync();
        await Expect(page.Locator(".ticket-status .state-badge")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=history] li").First).ToBeVisibleAsync();
        await Ui.AssertNoHorizontalOverflowAsync(page);
        await Ui.ScreenshotAsync(page, "ticket-390", fullPage: true);
        Assert.Empty(errors);
    }
}
