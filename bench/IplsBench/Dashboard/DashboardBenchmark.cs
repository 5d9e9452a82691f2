using System.Diagnostics;
using System.Text.Json;
using IplsWeb.Fleet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace IplsBench.Dashboard;

/// <summary>
/// The fleet overview in Debian's Chromium (Playwright, headless) while N vehicles stream scores at
/// the given rate through the embedded broker: frame times, long tasks, whether every chart moved,
/// and the dashboard's CPU. Charts off screen are not redrawn until scrolled into view; the run checks
/// that the last one catches up when it is.
/// </summary>
internal static class DashboardBenchmark
{
    public const string ChromiumPath = "/usr/bin/chromium";

    // Runs in the page: frames by requestAnimationFrame, main-thread long tasks, and a fingerprint
    // of each live item before and after, to tell that every one on screen kept drawing. Items are
    // the cards' score charts (their line) or the list's rows (sparkline and last score, by vehicle).
    private const string Measure = """
        async (ms) => {
          const table = document.querySelector('[data-testid="fleet-table"]');
          const inView = el => { const r = el.getBoundingClientRect(); const box = table ? table.getBoundingClientRect() : { top: 0, bottom: window.innerHeight };
            return r.bottom > Math.max(0, box.top) && r.top < Math.min(window.innerHeight, box.bottom); };
          const items = () => table
            ? Array.from(table.querySelectorAll('[data-testid="overview-row"]')).map(el => ({ key: el.dataset.vehicle, visible: inView(el),
                drawn: (el.querySelector('polyline')?.getAttribute('points') || '') + '|' + (el.querySelector('[data-testid="row-last"]')?.textContent || '') }))
            : Array.from(document.querySelectorAll('[data-testid^="score-chart-"]')).map(el => ({ key: el.dataset.testid, visible: inView(el),
                drawn: Array.from(el.querySelectorAll('.apexcharts-series path')).map(p => p.getAttribute('d') || '').join('|') }));
          const long = [];
          const observer = new PerformanceObserver(list => { for (const e of list.getEntries()) long.push(e.duration); });
          observer.observe({ type: 'longtask', buffered: false });
          const before = new Map(items().map(i => [i.key, i.drawn]));
          const frames = [];
          const start = performance.now();
          let last = start;
          await new Promise(resolve => {
            const frame = t => { frames.push(t - last); last = t; if (t - start < ms) requestAnimationFrame(frame); else resolve(); };
            requestAnimationFrame(frame);
          });
          observer.disconnect();
          const elapsed = performance.now() - start;
          const after = items();
          const shown = after.filter(i => i.visible).length;
          const updated = after.filter(i => i.visible && i.drawn !== '|' && i.drawn !== '' && i.drawn !== before.get(i.key)).length;
          // Below the fold: cards' charts wait and must catch up at once when scrolled to; the list
          // renders the rows scrolled to, which must come with their sparklines.
          let caughtUp = true;
          if (table) {
            table.scrollTop = table.scrollHeight;
            await new Promise(r => setTimeout(r, 1500));
            const rows = items().filter(i => i.visible);
            caughtUp = rows.length > 0 && rows.every(i => i.drawn.split('|')[0] !== '');
            table.scrollTop = 0;
          } else {
            const hidden = after.map((c, i) => i).filter(i => !after[i].visible);
            if (hidden.length > 0) {
              const target = document.querySelectorAll('[data-testid^="score-chart-"]')[hidden[hidden.length - 1]];
              target.scrollIntoView();
              await new Promise(r => setTimeout(r, 1500));
              const now = Array.from(target.querySelectorAll('.apexcharts-series path')).map(p => p.getAttribute('d') || '').join('|');
              caughtUp = now !== after[hidden[hidden.length - 1]].drawn;
              window.scrollTo(0, 0);
            }
          }
          return JSON.stringify({ frames, long, elapsed, updated, shown, caughtUp, view: table ? 'list' : 'cards' });
        }
        """;

    /// <summary>Measures the overview at <c>/</c> (<paramref name="view"/> null: the view the fleet's size chooses) or at <c>/?view=cards|list</c>.</summary>
    public static async Task<DashboardFigures> RunAsync(int vehicles, double rateHz, TimeSpan measure, CancellationToken cancellationToken, string? view = null)
    {
        // Development serves the static web assets from the build's manifest, as `dotnet run` does.
        await using var dashboard = await BenchDashboard.StartAsync(cancellationToken, "--environment=Development").ConfigureAwait(false);
        await using var fleet = await SimulatedVehicles.StartAsync(dashboard.Port, vehicles, rateHz, cancellationToken).ConfigureAwait(false);
        var state = dashboard.Services.GetRequiredService<FleetState>();
        var wait = Stopwatch.StartNew();
        while (state.Vehicles.Count < vehicles)
        {
            if (wait.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"only {state.Vehicles.Count} of {vehicles} vehicles reached the dashboard");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        using var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        await using var browser = await LaunchAsync(playwright).ConfigureAwait(false);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } }).ConfigureAwait(false);
        await page.GotoAsync($"http://127.0.0.1:{dashboard.HttpPort}/" + (view is null ? "" : "?view=" + view)).ConfigureAwait(false);
        bool list = view == "list" || (view is null && vehicles > dashboard.Services.GetRequiredService<IplsWeb.Hosting.DashboardOptions>().Overview.CardsUpTo);
        if (list)
        {
            await Assertions.Expect(page.GetByTestId("overview-count")).ToContainTextAsync($"{vehicles} of {vehicles} vehicles", new() { Timeout = 60_000 }).ConfigureAwait(false);
            await Assertions.Expect(page.GetByTestId("overview-row").First).ToBeVisibleAsync(new() { Timeout = 60_000 }).ConfigureAwait(false);
        }
        else
        {
            await Assertions.Expect(page.Locator("[data-testid^=score-chart-] svg.apexcharts-svg")).ToHaveCountAsync(vehicles, new() { Timeout = 60_000 }).ConfigureAwait(false);
        }

        // Charts have filled their windows a little; then measure.
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        long publishedBefore = fleet.Published;
        var counters = dashboard.Services.GetRequiredService<OverviewCounters>();
        long rowsBefore = counters.RowsRendered;
        var clock = Stopwatch.StartNew();
        var frames = await MeasureAsync(page, measure).ConfigureAwait(false);
        double seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / seconds * 100;
        long scores = fleet.Published - publishedBefore;
        long rows = counters.RowsRendered - rowsBefore;

        return new DashboardFigures
        {
            Vehicles = vehicles,
            View = frames.View,
            RowsRenderedPerSecond = rows / seconds,
            RateHz = rateHz,
            Seconds = frames.ElapsedMs / 1000,
            FramesPerSecond = frames.FramesPerSecond,
            FrameP95Ms = frames.FrameP95Ms,
            FrameMaxMs = frames.FrameMaxMs,
            LongTasks = frames.LongTasks.Length,
            LongTaskPercent = frames.LongTaskPercent,
            ChartsUpdated = frames.ChartsUpdated,
            ChartsOnScreen = frames.ChartsOnScreen,
            OffScreenCaughtUp = frames.OffScreenCaughtUp,
            ServerCpuPercent = cpu,
            ScoresPerSecond = scores / seconds,
        };
    }

    /// <summary>Debian's Chromium, headless, as every browser benchmark runs it.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} not found (apt-get install chromium)");
        }

        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update"],
        });
    }

    /// <summary>Frames, long tasks and chart redraws of the page as it is, for <paramref name="measure"/>.</summary>
    public static async Task<PageFrames> MeasureAsync(IPage page, TimeSpan measure)
    {
        ArgumentNullException.ThrowIfNull(page);
        string json = await page.EvaluateAsync<string>(Measure, measure.TotalMilliseconds).ConfigureAwait(false);
        using var result = JsonDocument.Parse(json);
        return new PageFrames(
            [.. result.RootElement.GetProperty("frames").EnumerateArray().Select(e => e.GetDouble()).Order()],
            [.. result.RootElement.GetProperty("long").EnumerateArray().Select(e => e.GetDouble())],
            result.RootElement.GetProperty("elapsed").GetDouble(),
            result.RootElement.GetProperty("updated").GetInt32(),
            result.RootElement.GetProperty("shown").GetInt32(),
            result.RootElement.GetProperty("caughtUp").GetBoolean(),
            result.RootElement.GetProperty("view").GetString() ?? "cards");
    }
}

/// <summary>What one measurement of a page saw: frame intervals (sorted), long tasks (ms each), charts redrawn, which overview view (cards or list).</summary>
internal sealed record PageFrames(double[] Frames, double[] LongTasks, double ElapsedMs, int ChartsUpdated, int ChartsOnScreen, bool OffScreenCaughtUp, string View)
{
    public double FramesPerSecond => Frames.Length / (ElapsedMs / 1000);

    public double FrameP95Ms => Frames.Length == 0 ? double.NaN : Frames[(int)(0.95 * (Frames.Length - 1))];

    public double FrameMaxMs => Frames.Length == 0 ? double.NaN : Frames[^1];

    public double LongTaskPercent => LongTasks.Sum() / ElapsedMs * 100;
}
