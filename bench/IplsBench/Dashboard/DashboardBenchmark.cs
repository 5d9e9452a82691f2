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
    // of each score chart's line before and after, to tell that every chart kept drawing.
    private const string Measure = """
        async (ms) => {
          const visible = el => { const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight; };
          const charts = () => Array.from(document.querySelectorAll('[data-testid^="score-chart-"]'))
            .map(el => ({ visible: visible(el), drawn: Array.from(el.querySelectorAll('.apexcharts-series path')).map(p => p.getAttribute('d') || '').join('|') }));
          const long = [];
          const observer = new PerformanceObserver(list => { for (const e of list.getEntries()) long.push(e.duration); });
          observer.observe({ type: 'longtask', buffered: false });
          const before = charts();
          const frames = [];
          const start = performance.now();
          let last = start;
          await new Promise(resolve => {
            const frame = t => { frames.push(t - last); last = t; if (t - start < ms) requestAnimationFrame(frame); else resolve(); };
            requestAnimationFrame(frame);
          });
          observer.disconnect();
          const elapsed = performance.now() - start;
          const after = charts();
          const shown = after.filter(c => c.visible).length;
          const updated = after.filter((c, i) => c.visible && c.drawn !== '' && c.drawn !== before[i].drawn).length;
          // Charts below the fold wait; scrolled into view they must catch up at once.
          const hidden = after.map((c, i) => i).filter(i => !after[i].visible);
          let caughtUp = true;
          if (hidden.length > 0) {
            const target = document.querySelectorAll('[data-testid^="score-chart-"]')[hidden[hidden.length - 1]];
            target.scrollIntoView();
            await new Promise(r => setTimeout(r, 1500));
            const now = Array.from(target.querySelectorAll('.apexcharts-series path')).map(p => p.getAttribute('d') || '').join('|');
            caughtUp = now !== after[hidden[hidden.length - 1]].drawn;
            window.scrollTo(0, 0);
          }
          return JSON.stringify({ frames, long, elapsed, updated, shown, caughtUp });
        }
        """;

    public static async Task<DashboardFigures> RunAsync(int vehicles, double rateHz, TimeSpan measure, CancellationToken cancellationToken)
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
        await page.GotoAsync($"http://127.0.0.1:{dashboard.HttpPort}/").ConfigureAwait(false);
        await Assertions.Expect(page.Locator("[data-testid^=score-chart-] svg.apexcharts-svg")).ToHaveCountAsync(vehicles, new() { Timeout = 60_000 }).ConfigureAwait(false);

        // Charts have filled their windows a little; then measure.
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        long publishedBefore = fleet.Published;
        var clock = Stopwatch.StartNew();
        var frames = await MeasureAsync(page, measure).ConfigureAwait(false);
        double seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / seconds * 100;
        long scores = fleet.Published - publishedBefore;

        return new DashboardFigures
        {
            Vehicles = vehicles,
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
            result.RootElement.GetProperty("caughtUp").GetBoolean());
    }
}

/// <summary>What one measurement of a page saw: frame intervals (sorted), long tasks (ms each), charts redrawn.</summary>
internal sealed record PageFrames(double[] Frames, double[] LongTasks, double ElapsedMs, int ChartsUpdated, int ChartsOnScreen, bool OffScreenCaughtUp)
{
    public double FramesPerSecond => Frames.Length / (ElapsedMs / 1000);

    public double FrameP95Ms => Frames.Length == 0 ? double.NaN : Frames[(int)(0.95 * (Frames.Length - 1))];

    public double FrameMaxMs => Frames.Length == 0 ? double.NaN : Frames[^1];

    public double LongTaskPercent => LongTasks.Sum() / ElapsedMs * 100;
}
