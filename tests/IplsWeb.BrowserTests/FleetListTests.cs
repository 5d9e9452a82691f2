using System.Globalization;
using IplsWeb.Tests;
using Microsoft.Playwright;

namespace IplsWeb.BrowserTests;

/// <summary>
/// The dense fleet overview in Chromium: 300 vehicles streaming scores into the dashboard's live
/// state (as its broker ingest does), the list chosen by the fleet's size, only rows on screen in the
/// page, the anomalous vehicle first, a filter, and the charts' axes named in the dashboard's zone.
/// </summary>
public sealed class FleetListTests : IAsyncLifetime, IDisposable
{
    private const int Vehicles = 300;
    private const int Anomalous = 150;
    private readonly CancellationTokenSource _stop = new();
    private DashboardHost? _host;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private Task? _scores;

    public async Task InitializeAsync()
    {
        if (!Browser.Available(out _))
        {
            return;
        }

        _host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0);
        (_playwright, _browser) = await Browser.LaunchAsync();
        Backfill(_host);
        _scores = StreamAsync(_host, _stop.Token);
        await Eventually.TrueAsync(() => _host.Fleet.Vehicles.Count == Vehicles, "every vehicle reported");
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_scores is not null)
        {
            await _scores;
        }

        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    public void Dispose() => _stop.Dispose();

    // Five minutes of scores already there (every 2.5 s), so the sparklines show a trend; vehicle 150 turned anomalous 2 minutes ago.
    private static void Backfill(DashboardHost host)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (long at = now - 300_000; at < now; at += 2_500)
        {
            for (int v = 1; v <= Vehicles; v++)
            {
                host.Fleet.OnScore(v, v == Anomalous && at > now - 120_000 ? 0.15f + (0.25f * (now - 120_000 - at) / -120_000f) : Normal(v, at / 2_500), at);
            }
        }
    }

    private static float Normal(int vehicle, long tick) => 0.01f + (0.005f * (float)Math.Sin((tick + vehicle) / 5.0));

    // 300 vehicles at 4 Hz; vehicle 150 far above the threshold.
    private static async Task StreamAsync(DashboardHost host, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        long tick = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                tick++;
                long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                for (int v = 1; v <= Vehicles; v++)
                {
                    host.Fleet.OnScore(v, v == Anomalous ? 0.4f : Normal(v, tick), now);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    [Fact]
    public async Task ThreeHundredVehicles_ShowAsAList_WithOnlyTheRowsOnScreenInThePage()
    {
        if (_browser is null)
        {
            return;
        }

        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        page.SetDefaultTimeout(BrowserSession.DefaultTimeout);
        await page.GotoAsync(_host!.Url.ToString());

        await Assertions.Expect(page.GetByTestId("overview-count")).ToContainTextAsync($"{Vehicles} of {Vehicles} vehicles");
        var rows = page.GetByTestId("overview-row");
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-vehicle", Anomalous.ToString(CultureInfo.InvariantCulture));
        Assert.InRange(await rows.CountAsync(), 10, 60);
        await Assertions.Expect(rows.First.GetByTestId("row-alert")).ToContainTextAsync("since");
        await Assertions.Expect(rows.First.GetByTestId("sparkline")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("above the threshold"));
        await page.WaitForTimeoutAsync(1_500);
        await Browser.ScreenshotAsync(page, "fleet-list");
        if (Environment.GetEnvironmentVariable("IPLS_UPDATE_DOCS_IMAGES") == "1")
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DocsImages.Folder(), "fleet-list.png") });
        }

        // Sorted by number and scrolled to the end, the last vehicles' rows come, with their trend.
        await page.GetByTestId("sort-vehicle").ClickAsync();
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-vehicle", "1");
        await page.GetByTestId("fleet-table").EvaluateAsync("t => t.scrollTop = t.scrollHeight");
        await Assertions.Expect(page.Locator($"[data-testid=overview-row][data-vehicle='{Vehicles}']")).ToBeVisibleAsync();
        Assert.InRange(await rows.CountAsync(), 10, 60);
        Assert.NotEqual(string.Empty, await page.Locator($"[data-testid=overview-row][data-vehicle='{Vehicles}'] polyline").GetAttributeAsync("points"));

        await page.GetByTestId("overview-filter").FillAsync("vehicle 299");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("overview-count")).ToContainTextAsync($"1 of {Vehicles} vehicles");
    }

    [Fact]
    public async Task ChartAxes_AreNamedWithUnits_AndTimesAreInTheDashboardsZone_WhateverTheBrowsersZone()
    {
        if (_browser is null)
        {
            return;
        }

        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
            TimezoneId = "Pacific/Kiritimati", // UTC+14: no dashboard here runs in it
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(BrowserSession.DefaultTimeout);
        await page.GotoAsync(new Uri(_host!.Url, "vehicles/3").ToString());

        var chart = page.GetByTestId("score-chart-3");
        await Assertions.Expect(chart.Locator(".apexcharts-yaxis-title")).ToHaveTextAsync("anomaly score (reconstruction MSE, no unit)");
        string zone = IplsWeb.Fleet.Times.ZoneName(DateTimeOffset.UtcNow, TimeZoneInfo.Local);
        await Assertions.Expect(chart.Locator(".apexcharts-xaxis-title")).ToHaveTextAsync($"time ({zone})");
        await Assertions.Expect(page.GetByTestId("sensor-chart").Locator(".apexcharts-yaxis-title")).ToContainTextAsync("sensor value");

        // The labels are the dashboard's local times (within the 5 minutes shown), not the browser's.
        var labels = await chart.Locator(".apexcharts-xaxis-label").AllTextContentsAsync();
        var now = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.Local);
        Assert.Contains(labels, l => l.Trim().Length >= 8 && TimeOnly.TryParseExact(l.Trim()[..8], "HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            && Math.Abs((now.TimeOfDay - t.ToTimeSpan()).TotalMinutes) < 7);
    }
}
