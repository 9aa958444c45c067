using static Microsoft.Playwright.Assertions;

namespace UrgeShipment.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class ShopIsolationTests(DashboardHost host)
{
    [Fact]
    public async Task Seller_NeverSeesAnotherShopsTickets_OnTheBoard_ByUrl_OrAfterSwitchingKeys()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        var errors = Ui.CollectErrors(page);
        var shopBTicket = host.Seeded["b-secret-order"];

        // An unknown key is refused at the door: /api/me answers 401, and nothing else is asked.
        var calls = new List<string>();
        page.Request += (_, request) => calls.Add(new Uri(request.Url).PathAndQuery);
        await page.GotoAsync("/");
        await page.Locator("input[name=apiKey]").FillAsync("not-a-key");
        var me = await page.RunAndWaitForResponseAsync(
            () => page.Locator("input[name=apiKey]").PressAsync("Enter"), response => new Uri(response.Url).AbsolutePath == "/api/me");
        Assert.Equal(401, me.Status);
        await Expect(page.Locator(".signin [role=alert]")).ToBeVisibleAsync();
        Assert.DoesNotContain(calls, path => path.StartsWith("/api/tickets", StringComparison.Ordinal));
        await Expect(page.Locator("[data-testid=role]")).ToHaveCountAsync(0);

        await Ui.SignInAsync(page, DashboardHost.SellerAKey);
        await Expect(Ui.Row(page, host.Seeded["a-urgent"])).ToBeVisibleAsync();
        Assert.All(await Ui.Rows(page).EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.shopId)"), shop => Assert.Equal(DashboardHost.ShopA, shop));
        Assert.DoesNotContain("b-secret-order", await page.ContentAsync(), StringComparison.Ordinal);
        await Expect(page.Locator("input[name=shopId]")).ToHaveCountAsync(0); // no shop filter for sellers

        // Another shop's ticket by URL: forbidden, and none of its data on the page.
        await page.GotoAsync($"/#/tickets/{shopBTicket}");
        await Expect(page.Locator("[data-testid=forbidden]")).ToBeVisibleAsync();
        var content = await page.ContentAsync();
        Assert.DoesNotContain("b-secret-order", content, StringComparison.Ordinal);
        Assert.DoesNotContain("2999.00", content, StringComparison.Ordinal);
        Assert.DoesNotContain(DashboardHost.ShopB, await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await Ui.ScreenshotAsync(page, "forbidden-ticket");

        // Another shop's page by URL: forbidden too.
        await page.GotoAsync($"/#/shops/{DashboardHost.ShopB}");
        await Expect(page.Locator("[data-testid=forbidden]")).ToBeVisibleAsync();
        await Expect(page.Locator("#ledger")).ToHaveCountAsync(0);

        // Sign out clears the key; signing in as shop B shows shop B only, nothing of shop A left over.
        await page.GotoAsync("/#/");
        await Ui.SignOutAsync(page);
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('urgeship.apiKey')"));
        await Ui.SignInAsync(page, DashboardHost.SellerBKey);
        await Expect(Ui.Row(page, shopBTicket)).ToBeVisibleAsync();
        Assert.All(await Ui.Rows(page).EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.shopId)"), shop => Assert.Equal(DashboardHost.ShopB, shop));
        var board = await page.ContentAsync();
        Assert.DoesNotContain("a-urgent", board, StringComparison.Ordinal);
        Assert.DoesNotContain("a-soon", board, StringComparison.Ordinal);
        await page.GotoAsync($"/#/tickets/{host.Seeded["a-urgent"]}");
        await Expect(page.Locator("[data-testid=forbidden]")).ToBeVisibleAsync();
        Assert.DoesNotContain("388.88", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Empty(errors);
    }
}
