using IplsWeb.Tests;
using Microsoft.Playwright;

namespace IplsWeb.BrowserTests;

/// <summary>A dashboard host with its demo fleet and one Chromium page on it, as every browser test class starts.</summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    public const int DefaultTimeout = 30_000;
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private BrowserSession(DashboardHost host, IPlaywright playwright, IBrowser browser, IPage page)
    {
        Host = host;
        _playwright = playwright;
        _browser = browser;
        Page = page;
    }

    public DashboardHost Host { get; }

    public IPage Page { get; }

    /// <summary>Null when Chromium is missing and IPLS_SKIP_BROWSER=1 says to skip (otherwise <see cref="Browser.Available"/> fails the test).</summary>
    public static async Task<BrowserSession?> StartAsync(int peers, int bootstrappers, double rateHz)
    {
        if (!Browser.Available(out _))
        {
            return null;
        }

        var host = await DashboardHost.StartAsync(peers, bootstrappers, rateHz);
        var (playwright, browser) = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        page.SetDefaultTimeout(DefaultTimeout);
        return new BrowserSession(host, playwright, browser, page);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await Host.DisposeAsync();
    }
}
