using IplsWeb.Tests;
using Microsoft.Playwright;

namespace IplsWeb.BrowserTests;

/// <summary>Dashboard:Overview:CardsUpTo from the command line to the page: at 2, three vehicles are a list in Chromium.</summary>
public sealed class OverviewSettingTests
{
    [Fact]
    public async Task CardsUpToTwo_ShowsThreeVehiclesAsTheList_AndTheToggleStillGivesCards()
    {
        if (!Browser.Available(out _))
        {
            return;
        }

        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra: ["--Dashboard:Overview:CardsUpTo=2"]);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int vehicle = 1; vehicle <= 3; vehicle++)
        {
            host.Fleet.OnScore(vehicle, 0.01f * vehicle, now); // as the broker ingest records a score
        }

        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        {
            await using (browser)
            {
                var page = await browser.NewPageAsync();
                page.SetDefaultTimeout(BrowserSession.DefaultTimeout);
                await page.GotoAsync(host.Url.ToString());

                await Assertions.Expect(page.GetByTestId("overview-count")).ToContainTextAsync("3 of 3 vehicles");
                await Assertions.Expect(page.Locator("[data-testid^=vehicle-card-]")).ToHaveCountAsync(0);

                await page.GetByTestId("overview-view").GetByText("Cards").ClickAsync();
                await Assertions.Expect(page.Locator("[data-testid^=vehicle-card-]")).ToHaveCountAsync(3);
            }
        }
    }
}
