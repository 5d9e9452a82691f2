using System.Text.Json;
using IplsWeb.Tests;
using Microsoft.Playwright;

namespace IplsWeb.BrowserTests;

/// <summary>One dashboard with its demo fleet, seen by an operator: every page at phone and desktop width, with a chart script that fails, through an accessibility scan.</summary>
public sealed class OperatorDashboardTests : IAsyncLifetime
{
    private const int Timeout = BrowserSession.DefaultTimeout;
    private const string FleetToken = "operator-test-fleet-token-0123456789";
    private static readonly string[] Pages = ["", "?view=list", "alerts", "topology", "agents", "events", "settings", "vehicles/1"];
    private DashboardHost? _host;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        if (!Browser.Available(out _))
        {
            return;
        }

        _host = await DashboardHost.StartAsync(peers: 2, bootstrappers: 1, rateHz: 8, fleetToken: FleetToken);
        (_playwright, _browser) = await Browser.LaunchAsync();
        await Eventually.TrueAsync(() => _host.Fleet.Agents.Count == 3 && _host.Fleet.Agents.All(a => a.Status is not null), "the demo fleet registered", seconds: 60);
    }

    public async Task DisposeAsync()
    {
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

    private async Task<IPage> OpenAsync(string path, int width, int height)
    {
        var page = await _browser!.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync(new Uri(_host!.Url, path).ToString());
        await Assertions.Expect(page.GetByTestId("fleet-summary")).ToBeVisibleAsync();
        return page;
    }

    // Live pages fill in over a second or two (first status, first chart draw).
    private static async Task SettleAsync(IPage page, string path)
    {
        if (path is "" or "vehicles/1")
        {
            await Assertions.Expect(page.Locator(".apexcharts-svg").First).ToBeVisibleAsync();
        }
        else if (path == "?view=list")
        {
            await Assertions.Expect(page.GetByTestId("overview-row")).ToHaveCountAsync(2);
        }
        else if (path == "agents")
        {
            await Assertions.Expect(page.GetByTestId("agent-id")).ToHaveCountAsync(3);
        }

        await page.WaitForTimeoutAsync(1_500);
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1400, 1000)]
    public async Task NoPage_IsWiderThanTheScreen(int width, int height)
    {
        if (_browser is null)
        {
            return;
        }

        var problems = new List<string>();
        foreach (string path in Pages)
        {
            var page = await OpenAsync(path, width, height);
            await SettleAsync(page, path);
            int scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            if (scrollWidth > width)
            {
                string widest = await page.EvaluateAsync<string>("""
                    w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1)
                        .slice(-3).map(e => e.tagName + '.' + [...e.classList].join('.') + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')
                    """, width);
                problems.Add($"/{path}: {scrollWidth} px ({widest})");
            }

            await Browser.ScreenshotAsync(page, $"width-{width}-{(path.Length == 0 ? "fleet" : path.Replace('/', '-').Replace("?view=", "view-", StringComparison.Ordinal))}");
            await page.CloseAsync();
        }

        Assert.True(problems.Count == 0, $"pages wider than {width} px: " + string.Join("; ", problems));
    }

    [Fact]
    public async Task AChartScriptThatFailsToLoad_LeavesThePageAlive_AndSaysChartsAreUnavailable()
    {
        if (_browser is null)
        {
            return;
        }

        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        page.SetDefaultTimeout(Timeout);
        await page.RouteAsync("**/apexcharts*.js*", route => route.AbortAsync("internetdisconnected"));
        await page.GotoAsync(_host!.Url.ToString());

        var card = page.GetByTestId("vehicle-card-1");
        await Assertions.Expect(card.GetByTestId("chart-unavailable")).ToBeVisibleAsync();
        await Assertions.Expect(card.GetByTestId("chart-unavailable")).ToContainTextAsync("Chart unavailable");

        // The circuit lives: values keep changing and navigation works.
        string first = await card.GetByTestId("last-score").InnerTextAsync();
        await Eventually.TrueAsync(async () => await card.GetByTestId("last-score").InnerTextAsync() != first, "the last score keeps updating without charts");
        await page.GetByRole(AriaRole.Link, new() { Name = "Agents" }).First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("agent-id")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task TypingFaviconIco_ShowsTheDashboardsIcon_InChromium()
    {
        if (_browser is null)
        {
            return;
        }

        var page = await _browser.NewPageAsync();
        var response = await page.GotoAsync(new Uri(_host!.Url, "favicon.ico").ToString());

        Assert.NotNull(response);
        Assert.Equal(200, response.Status); // after the browser followed the redirect
        Assert.EndsWith("/favicon.svg", response.Url, StringComparison.Ordinal);
        Assert.Equal("image/svg+xml", (await response.HeaderValueAsync("content-type"))?.Split(';')[0]);
        await Assertions.Expect(page.Locator("svg")).ToHaveCountAsync(1); // Chromium drew the SVG document, not an error page
    }

    [Fact]
    public async Task EveryPage_PassesAnAccessibilityScan_WithoutSeriousViolations()
    {
        if (_browser is null)
        {
            return;
        }

        string axe = await Axe.ScriptAsync();
        var problems = new List<string>();
        foreach (string path in Pages)
        {
            var page = await OpenAsync(path, 1400, 1000);
            await SettleAsync(page, path);
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = axe });
            string json = await page.EvaluateAsync<string>("""
                async () => {
                    const r = await axe.run(document, { resultTypes: ['violations'] });
                    return JSON.stringify(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => ({ id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })));
                }
                """);
            foreach (var v in JsonDocument.Parse(json).RootElement.EnumerateArray())
            {
                problems.Add($"/{path}: {v.GetProperty("id").GetString()} at {string.Join(" | ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()))}");
            }

            await page.CloseAsync();
        }

        Assert.True(problems.Count == 0, "accessibility: " + string.Join("\n", problems));
    }

    [Fact]
    public async Task TheConfigEditor_DoesNotShowTheFleetToken_AndTheFleetPageIsPhotographedForTheReadme()
    {
        if (_browser is null)
        {
            return;
        }

        var page = await OpenAsync("agents", 1400, 1000);
        var row = page.GetByTestId("agents-table").Locator("tr", new() { HasText = "vehicle-1" });
        await row.GetByTestId("agent-id").ClickAsync();
        var editor = page.Locator("textarea[data-testid=config-editor], [data-testid=config-editor] textarea").First;
        await Assertions.Expect(editor).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("vehicle-1"));
        Assert.DoesNotContain(FleetToken, await editor.InputValueAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(FleetToken, await page.ContentAsync(), StringComparison.Ordinal);
        await Assertions.Expect(row.GetByTestId("resources")).ToContainTextAsync("in-process demo agent");

        await page.GotoAsync(_host!.Url.ToString());
        await Assertions.Expect(page.GetByTestId("count-running")).ToHaveTextAsync("3 running");
        await Assertions.Expect(page.Locator("[data-testid=score-chart-2] .apexcharts-svg")).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(3_000);
        await Browser.ScreenshotAsync(page, "fleet-overview");
        if (Environment.GetEnvironmentVariable("IPLS_UPDATE_DOCS_IMAGES") == "1")
        {
            // The README's picture, refreshed by this test: IPLS_UPDATE_DOCS_IMAGES=1 dotnet test tests/IplsWeb.BrowserTests --filter TheConfigEditor_DoesNotShowTheFleetToken (README).
            string docs = Path.Combine(DocsImages.Folder(), "fleet.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = docs });
        }
    }
}
