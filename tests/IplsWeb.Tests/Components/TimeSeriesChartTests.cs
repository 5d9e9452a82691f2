using Bunit;
using IplsWeb.Components.Charts;
using Microsoft.JSInterop;

namespace IplsWeb.Tests.Components;

/// <summary>The chart component's interop contract, with bUnit's strict JS runtime.</summary>
public sealed class TimeSeriesChartTests : IDisposable
{
    private readonly BunitContext _context = new();
    private readonly BunitJSModuleInterop _module;

    public TimeSeriesChartTests()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Strict;
        _module = _context.JSInterop.SetupModule("./js/timeSeriesChart.js");
        _module.Setup<int>("create", _ => true).SetResult(7);
        _module.SetupVoid("append", _ => true).SetVoidResult();
        _module.SetupVoid("setData", _ => true).SetVoidResult();
        _module.SetupVoid("setThreshold", _ => true).SetVoidResult();
        _module.SetupVoid("dispose", _ => true).SetVoidResult();
    }

    public void Dispose() => _context.Dispose();

    private IRenderedComponent<TimeSeriesChart> Render() => _context.Render<TimeSeriesChart>(p => p
        .Add(c => c.SeriesNames, ["score"])
        .Add(c => c.Threshold, 0.08)
        .Add(c => c.YMin, 0)
        .Add(c => c.Height, 150)
        .Add(c => c.Window, TimeSpan.FromMinutes(5)));

    [Fact]
    public void FirstRender_CreatesTheChartWithItsOptions()
    {
        Render();

        var create = Assert.Single(_module.Invocations["create"]);
        string options = System.Text.Json.JsonSerializer.Serialize(create.Arguments[1]);
        Assert.Contains("\"threshold\":0.08", options, StringComparison.Ordinal);
        Assert.Contains("\"windowMs\":300000", options, StringComparison.Ordinal);
        Assert.Contains("\"height\":150", options, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_SendsOneBatchPerCall_AndNothingForAnEmptyBatch()
    {
        var cut = Render();
        ChartPoint[] batch = [new(1_000, 0.01), new(1_250, 0.02), new(1_500, 0.3)];

        await cut.InvokeAsync(() => cut.Instance.AppendAsync([batch]));
        await cut.InvokeAsync(() => cut.Instance.AppendAsync([Array.Empty<ChartPoint>()]));

        var append = Assert.Single(_module.Invocations["append"]);
        Assert.Equal(7, append.Arguments[0]);
        var series = Assert.IsType<double[][][]>(append.Arguments[1]);
        Assert.Equal(3, series[0].Length);
        Assert.Equal([1_500, 0.3], series[0][2]);
    }

    [Fact]
    public async Task ThresholdAndDispose_GoToTheModule_AndAGoneBrowserIsTolerated()
    {
        var cut = Render();
        await cut.InvokeAsync(() => cut.Instance.SetThresholdAsync(0.2));
        Assert.Equal(0.2, Assert.Single(_module.Invocations["setThreshold"]).Arguments[1]);

        await cut.Instance.DisposeAsync();
        Assert.Single(_module.Invocations["dispose"]);

        // After disposal further calls are no-ops, not errors.
        await cut.InvokeAsync(() => cut.Instance.AppendAsync([[new ChartPoint(2_000, 0.1)]]));
        Assert.Empty(_module.Invocations["append"]);
    }
}
