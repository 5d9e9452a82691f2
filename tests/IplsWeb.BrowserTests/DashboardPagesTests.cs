using IplsWeb.Tests;
using Microsoft.Playwright;

namespace IplsWeb.BrowserTests;

/// <summary>The dashboard in a real browser against the real host and its demo fleet.</summary>
public sealed class DashboardPagesTests : IAsyncLifetime
{
    private const int Timeout = BrowserSession.DefaultTimeout;
    private BrowserSession? _session;
    private DashboardHost? _host;
    private IPage? _page;

    public async Task InitializeAsync()
    {
        _session = await BrowserSession.StartAsync(peers: 2, bootstrappers: 1, rateHz: 8);
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
    public async Task Fleet_ShowsACardPerVehicle_AndTheSwitchTurnsAVehicleAnomalous()
    {
        if (_page is null)
        {
            return;
        }

        await _page.GotoAsync(_host!.Url.ToString());
        var card = _page.GetByTestId("vehicle-card-1");
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(_page.GetByTestId("vehicle-card-2")).ToBeVisibleAsync();
        await Assertions.Expect(card.GetByTestId("agent-state")).ToHaveTextAsync("running", new() { Timeout = Timeout });
        await Assertions.Expect(_page.GetByTestId("count-running")).ToHaveTextAsync("3 running", new() { Timeout = Timeout });

        await card.Locator("input[type=checkbox]").First.ClickAsync();
        await Assertions.Expect(card.GetByText("anomaly data")).ToBeVisibleAsync();

        await Assertions.Expect(card.Locator("[data-testid=score-chart-1] svg").First).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(_page!, "fleet");

        // Anomaly scores (≈ 0.3) are above the threshold and shown in the error colour.
        await Eventually.TrueAsync(async () => float.TryParse(await card.GetByTestId("last-score").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture, out float s) && s > 0.08f, "the last score rises above the threshold");
        await Assertions.Expect(card.GetByTestId("last-score").Locator(".above")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Agents_BadConfigErrorsShowInline_AndAValidOneIsApplied()
    {
        if (_page is null)
        {
            return;
        }

        await _page.GotoAsync(new Uri(_host!.Url, "agents").ToString());
        var row = _page.GetByTestId("agents-table").Locator("tr", new() { HasText = "vehicle-2" });
        await Assertions.Expect(row).ToBeVisibleAsync();
        await row.GetByTestId("agent-id").ClickAsync();
        var editor = _page.Locator("textarea[data-testid=config-editor], [data-testid=config-editor] textarea").First;
        await Assertions.Expect(editor).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("vehicle-2"));

        string good = await editor.InputValueAsync();
        await editor.FillAsync("{ \"epochs\": \"many\", \"mqttPort\": \"70000\", \"fleetToken\": \"short\" }");
        await _page.GetByTestId("validate").ClickAsync();
        await Assertions.Expect(_page.GetByTestId("config-error")).ToHaveCountAsync(3);
        await Assertions.Expect(_page.GetByTestId("config-error").First).ToContainTextAsync("epochs");

        await editor.FillAsync(good.Replace("\"threshold\"", "\"thresholdX\"", StringComparison.Ordinal));
        await row.Locator("input[type=checkbox]").CheckAsync();
        await _page.GetByTestId("apply").ClickAsync();
        await Assertions.Expect(_page.GetByTestId("apply-result")).ToContainTextAsync("applied", new() { Timeout = Timeout });
    }

    [Fact]
    public async Task Agents_UploadThroughTheFileChooser_AcceptsTheReferenceConfig_AndShowsErrorsOfABadOne()
    {
        if (_page is null)
        {
            return;
        }

        string dir = Directory.CreateTempSubdirectory("ipls-upload-").FullName;
        try
        {
            string reference = Path.Combine(dir, "adConfig.json");
            await File.WriteAllTextAsync(reference, IplsCore.Tests.Configuration.ReferenceConfigs.Peer);
            string bad = Path.Combine(dir, "broken.json");
            await File.WriteAllTextAsync(bad, "{ \"mqttPort\": \"seventy\", ");

            await _page.GotoAsync(new Uri(_host!.Url, "agents").ToString());
            string hashBefore = _host.Fleet.Agent("vehicle-1")!.Registration.ConfigHash;

            var chooser = await _page.RunAndWaitForFileChooserAsync(() => _page.GetByTestId("config-upload").ClickAsync());
            await chooser.SetFilesAsync(bad);
            await Assertions.Expect(_page.GetByTestId("config-error").First).ToBeVisibleAsync();
            await Assertions.Expect(_page.GetByTestId("config-valid")).ToHaveCountAsync(0);
            await Browser.ScreenshotAsync(_page!, "agents-upload-error");

            chooser = await _page.RunAndWaitForFileChooserAsync(() => _page.GetByTestId("config-upload").ClickAsync());
            await chooser.SetFilesAsync(reference);
            var editor = _page.Locator("textarea[data-testid=config-editor], [data-testid=config-editor] textarea").First;
            await Assertions.Expect(editor).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("mqttSubTopic"));
            await Assertions.Expect(_page.GetByTestId("config-valid")).ToBeVisibleAsync();
            await Assertions.Expect(_page.GetByTestId("config-error")).ToHaveCountAsync(0);

            // Uploading only validates: nothing reached an agent.
            Assert.Equal(hashBefore, _host.Fleet.Agent("vehicle-1")!.Registration.ConfigHash);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Vehicle_ShowsLiveScoreAndSensorCharts_AndItsHistoryFromSqlite()
    {
        if (_page is null)
        {
            return;
        }

        await Eventually.TrueAsync(() => _host!.Fleet.Vehicle(1).ScoresReceived > 30, "some scores were stored");
        await Task.Delay(1500); // the history writer flushes every second
        await _page.GotoAsync(new Uri(_host!.Url, "vehicles/1").ToString());
        await Assertions.Expect(_page.Locator("[data-testid=score-chart-1] svg").First).ToBeVisibleAsync();
        await Assertions.Expect(_page.Locator("[data-testid=sensor-chart] svg").First).ToBeVisibleAsync();
        await Assertions.Expect(_page.Locator("[data-testid=sensor-values]")).ToContainTextAsync("Front Shock"); // the reference frontend's names
        await Assertions.Expect(_page.Locator("[data-testid=sensor-values]")).ToContainTextAsync("Engine Vibration");
        await Assertions.Expect(_page.Locator("[data-testid=history-chart] svg").First).ToBeVisibleAsync();
        await Assertions.Expect(_page.GetByText(new System.Text.RegularExpressions.Regex(@"\d+ scores in \d+ buckets"))).ToBeVisibleAsync();

        // The history's x-axis spans the chosen hour, not just the minute of data there is.
        var history = _page.GetByTestId("history-chart");
        await Assertions.Expect(history).ToHaveAttributeAsync("data-x-max", new System.Text.RegularExpressions.Regex(@"^\d+$"));
        double span = double.Parse(await history.GetAttributeAsync("data-x-max") ?? "0", System.Globalization.CultureInfo.InvariantCulture)
            - double.Parse(await history.GetAttributeAsync("data-x-min") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(span, 3_590_000, 3_610_000);

        // The threshold line is drawn on the live chart.
        await Assertions.Expect(_page.Locator("[data-testid=score-chart-1]").GetByText("threshold 0.08")).ToBeAttachedAsync();
        await Browser.ScreenshotAsync(_page!, "vehicle");
    }

    [Fact]
    public async Task Topology_DrawsEveryAgent_AndThePartitionOwners()
    {
        if (_page is null)
        {
            return;
        }

        await _page.GotoAsync(new Uri(_host!.Url, "topology").ToString());
        await Assertions.Expect(_page.Locator("[data-testid=topology-graph] g.node")).ToHaveCountAsync(3, new() { Timeout = Timeout });
        await Assertions.Expect(_page.Locator("g.node[data-agent=bootstrapper-1] rect")).ToHaveCountAsync(1);
        await Assertions.Expect(_page.GetByTestId("partition-table")).ToContainTextAsync("P v", new() { Timeout = Timeout });
        await Browser.ScreenshotAsync(_page!, "topology");
    }

    [Fact]
    public async Task ChartCheck_DrawsTheLiveChart_ThresholdLine_AndMarksPointsAboveIt()
    {
        if (_page is null)
        {
            return;
        }

        await _page.GotoAsync(new Uri(_host!.Url, "dev/chart-check").ToString());
        var chart = _page.GetByTestId("check-chart");
        await Assertions.Expect(chart.Locator("svg").First).ToBeVisibleAsync();
        await Assertions.Expect(chart.GetByText("threshold 0.08")).ToBeAttachedAsync();
        await Assertions.Expect(chart.GetByText("synthetic score")).ToBeAttachedAsync();

        // Every 8th synthetic point (2 s apart) is above the threshold and drawn as a marker.
        await Eventually.TrueAsync(async () => await chart.Locator(".apexcharts-scatter-series .apexcharts-marker").CountAsync() >= 2, "points above the threshold are marked");
        await Browser.ScreenshotAsync(_page!, "chart-check");
    }
}
