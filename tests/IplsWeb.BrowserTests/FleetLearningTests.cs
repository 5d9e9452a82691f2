using Microsoft.Playwright;

namespace IplsWeb.BrowserTests;

/// <summary>
/// The point of the fleet, seen in the browser: vehicle 1 is switched to anomaly data, its score
/// crosses the threshold, and as it and the fleet learn the new data its score falls back under it.
/// The demo runs at 40 Hz so the rounds (one per 33 samples) come ten times as fast as at 4 Hz.
/// </summary>
public sealed class FleetLearningTests : IAsyncLifetime
{
    private const int Timeout = BrowserSession.DefaultTimeout;
    private BrowserSession? _session;
    private IplsWeb.Tests.DashboardHost? _host;
    private IPage? _page;

    public async Task InitializeAsync()
    {
        _session = await BrowserSession.StartAsync(peers: 2, bootstrappers: 1, rateHz: 40);
        _host = _session?.Host;
        _page = _session?.Page;
    }

    public async Task DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }
    }

    [Fact]
    public async Task AVehicleSwitchedToAnomalyData_CrossesTheThreshold_ThenFallsBackAsTheFleetLearns()
    {
        if (_page is null)
        {
            return;
        }

        await _page.GotoAsync(_host!.Url.ToString());
        var card = _page.GetByTestId("vehicle-card-1");
        await Assertions.Expect(card.GetByTestId("agent-state")).ToHaveTextAsync("running", new() { Timeout = Timeout });
        await Eventually.TrueAsync(() => RecentMean(1) is < 0.08, "vehicle 1 scores normal data below the threshold", seconds: 60);

        await card.Locator("input[type=checkbox]").First.ClickAsync();
        await Assertions.Expect(card.GetByText("anomaly data")).ToBeVisibleAsync();
        await Eventually.TrueAsync(() => RecentMean(1) is > 0.08, "vehicle 1's score crosses the threshold", seconds: 60);
        await Assertions.Expect(card.GetByTestId("last-score").Locator(".above")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Browser.ScreenshotAsync(_page!, "learning-1-crossed");

        await Eventually.TrueAsync(() => RecentMean(1) is < 0.08, "vehicle 1's score falls back under the threshold", seconds: 600);
        await Assertions.Expect(card.GetByTestId("last-score").Locator(".above")).ToHaveCountAsync(0, new() { Timeout = Timeout });
        await Browser.ScreenshotAsync(_page!, "learning-2-fell-back");
    }

    /// <summary>Mean score of the last 10 seconds, or null when there are too few.</summary>
    private double? RecentMean(int vehicle)
    {
        var points = _host!.Fleet.Vehicle(vehicle).Scores.Since(DateTimeOffset.UtcNow.AddSeconds(-10).ToUnixTimeMilliseconds());
        return points.Length < 20 ? null : points.Average(p => p.Score);
    }
}
