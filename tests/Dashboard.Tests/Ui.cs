using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace UrgeShipment.Dashboard.Tests;

/// <summary>What a person does on the dashboard, in Playwright terms.</summary>
internal static class Ui
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.CreateCustomTimeZone("Asia/Shanghai", TimeSpan.FromHours(8), "Asia/Shanghai", "Asia/Shanghai");

    public static async Task SignInAsync(IPage page, string key)
    {
        await page.GotoAsync("/");
        var input = page.Locator("input[name=apiKey]");
        await Expect(input).ToBeFocusedAsync();
        await input.FillAsync(key);
        await input.PressAsync("Enter");
        await Expect(page.Locator("[data-testid=role]")).ToBeVisibleAsync();
    }

    public static async Task SignOutAsync(IPage page)
    {
        await page.Locator("#sign-out").ClickAsync();
        await Expect(page.Locator("input[name=apiKey]")).ToBeVisibleAsync();
    }

    /// <summary>Uncaught script errors and CSP violations on the page, collected for a final Assert.Empty.</summary>
    public static List<string> CollectErrors(IPage page)
    {
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add("pageerror: " + error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                errors.Add("csp: " + message.Text);
            }
        };
        return errors;
    }

    public static ILocator Row(IPage page, string ticketId) => page.Locator($"tr.ticket-row[data-ticket-id='{ticketId}']");

    public static ILocator Rows(IPage page) => page.Locator("tr.ticket-row");

    /// <summary>A datetime-local value as a browser in Shanghai shows it.</summary>
    public static string LocalInput(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Shanghai).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    public static async Task<string> ScreenshotAsync(IPage page, string name, bool fullPage = false)
    {
        var path = Path.Combine(DashboardHost.ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = fullPage, Type = ScreenshotType.Png });
        return path;
    }

    /// <summary>
    /// Copies a screenshot to docs/screenshots in the repository (the committed, small ones) when
    /// UPDATE_SCREENSHOTS=1, so an ordinary test run leaves the working tree clean.
    /// </summary>
    public static void Publish(string screenshot, string name)
    {
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") != "1")
        {
            return;
        }
        var directory = Path.Combine(DashboardHost.RepositoryRoot, "docs", "screenshots");
        Directory.CreateDirectory(directory);
        File.Copy(screenshot, Path.Combine(directory, name), overwrite: true);
    }

    /// <summary>Nothing wider than the viewport: the document does not scroll sideways and no visible element sticks out.</summary>
    public static async Task AssertNoHorizontalOverflowAsync(IPage page)
    {
        var result = await page.EvaluateAsync<string[]>("""
            () => {
              const width = document.documentElement.clientWidth;
              const out = [...document.querySelectorAll("body *")]
                .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
                .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 1 && r.right > width + 1; })
                .slice(0, 5)
                .map((el) => `${el.tagName.toLowerCase()}.${el.className} right=${Math.round(el.getBoundingClientRect().right)}`);
              return [String(document.documentElement.scrollWidth), String(width), ...out];
            }
            """);
        Assert.True(int.Parse(result[0], CultureInfo.InvariantCulture) <= int.Parse(result[1], CultureInfo.InvariantCulture) && result.Length == 2,
            $"horizontal overflow at {result[1]} px: scrollWidth {result[0]}; {string.Join("; ", result.Skip(2))}");
    }
}
