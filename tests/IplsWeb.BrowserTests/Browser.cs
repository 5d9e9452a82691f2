using Microsoft.Playwright;

namespace IplsWeb.BrowserTests;

/// <summary>
/// Debian's Chromium driven by Playwright (no browser download: ExecutablePath). Without Chromium a
/// test fails with how to install it, unless IPLS_SKIP_BROWSER=1 says to skip browser tests.
/// </summary>
internal static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static bool Available(out string reason)
    {
        if (File.Exists(ChromiumPath))
        {
            reason = string.Empty;
            return true;
        }

        reason = $"{ChromiumPath} not found: apt-get install chromium (.ci/run does), or set IPLS_SKIP_BROWSER=1";
        Assert.True(Environment.GetEnvironmentVariable("IPLS_SKIP_BROWSER") == "1", reason);
        return false;
    }

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        return (playwright, browser);
    }

    /// <summary>With IPLS_SCREENSHOTS=DIR (.ci/run sets it), pages are saved there for a human to look at.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("IPLS_SCREENSHOTS") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = true });
        }
    }
}
