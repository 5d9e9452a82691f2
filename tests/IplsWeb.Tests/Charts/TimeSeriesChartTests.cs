using System.Text.Json;
using Bunit;
using IplsWeb.Components.Charts;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace IplsWeb.Tests.Charts;

/// <summary>The chart component's interop contract, with bUnit's strict JS runtime (an unplanned call fails the test).</summary>
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
    }

    public void Dispose() => _context.Dispose();

    private IRenderedComponent<TimeSeriesChart> Render(double? threshold = 0.08, IReadOnlyList<string>? names = null) => _context.Render<TimeSeriesChart>(p => p
        .Add(c => c.SeriesNames, names ?? ["score"])
        .Add(c => c.Threshold, threshold)
        .Add(c => c.YMin, 0)
        .Add(c => c.Zoomable, true)
        .Add(c => c.Height, 150)
        .Add(c => c.Title, "scores")
        .Add(c => c.Window, TimeSpan.FromMinutes(5)));

    [Fact]
    public void FirstRender_CreatesTheChartOnItsElement_WithItsOptions()
    {
        Render();

        var create = Assert.Single(_module.Invocations["create"]);
        Assert.IsType<ElementReference>(create.Arguments[0]);
        using var options = JsonDocument.Parse(JsonSerializer.Serialize(create.Arguments[1]));
        var o = options.RootElement;
        Assert.Equal(["score"], o.GetProperty("seriesNames").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0.08, o.GetProperty("threshold").GetDouble());
        Assert.Equal(0, o.GetProperty("yMin").GetDouble());
        Assert.Equal(JsonValueKind.Null, o.GetProperty("yMax").ValueKind);
        Assert.True(o.GetProperty("zoomable").GetBoolean());
        Assert.Equal(150, o.GetProperty("height").GetInt32());
        Assert.Equal(300_000, o.GetProperty("windowMs").GetInt64());
        Assert.Equal("scores", o.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Append_IsOneInteropCallPerBatch_WithoutReRendering()
    {
        var cut = Render(names: ["a", "b"]);
        ChartPoint[] a = [new(1_000, 0.01), new(1_250, 0.02), new(1_500, 0.3)];
        ChartPoint[] b = [new(1_100, 5)];

        await cut.InvokeAsync(() => cut.Instance.AppendAsync([a, b]));
        await cut.InvokeAsync(() => cut.Instance.AppendAsync([[], []])); // nothing arrived: no call

        var append = Assert.Single(_module.Invocations["append"]);
        Assert.Equal(7, append.Arguments[0]);
        var series = Assert.IsType<double[][][]>(append.Arguments[1]);
        Assert.Equal(2, series.Length);
        Assert.Equal(3, series[0].Length);
        Assert.Equal([1_500, 0.3], series[0][2]);
        Assert.Equal([1_100, 5], Assert.Single(series[1]));
        Assert.Equal(1, cut.RenderCount);
    }

    [Fact]
    public async Task SetData_ReplacesTheSeries_InOneCall()
    {
        var cut = Render();

        await cut.InvokeAsync(() => cut.Instance.SetDataAsync([[new ChartPoint(1, 0.5), new ChartPoint(2, 0.6)]]));

        var setData = Assert.Single(_module.Invocations["setData"]);
        Assert.Equal(2, Assert.IsType<double[][][]>(setData.Arguments[1])[0].Length);
    }

    [Fact]
    public async Task Threshold_FromTheMethod_OrANewParameter_GoesToSetThreshold()
    {
        var cut = Render();

        await cut.InvokeAsync(() => cut.Instance.SetThresholdAsync(0.2));
        cut.Render(p => p.Add(c => c.Threshold, 0.3));
        cut.Render(p => p.Add(c => c.Threshold, 0.3)); // unchanged: no call

        var calls = _module.Invocations["setThreshold"];
        Assert.Equal([0.2, 0.3], calls.Select(c => (double?)c.Arguments[1]));
        Assert.All(calls, c => Assert.Equal(7, c.Arguments[0]));
    }

    [Fact]
    public async Task Dispose_DisposesTheChart_AndLaterCallsAreNoOps()
    {
        _module.SetupVoid("dispose", _ => true).SetVoidResult();
        var cut = Render();

        await cut.Instance.DisposeAsync();
        Assert.Equal(7, Assert.Single(_module.Invocations["dispose"]).Arguments[0]);

        await cut.InvokeAsync(() => cut.Instance.AppendAsync([[new ChartPoint(2_000, 0.1)]]));
        Assert.Empty(_module.Invocations["append"]);
    }

    [Fact]
    public async Task Dispose_WhenTheCircuitIsGone_SwallowsJSDisconnectedException()
    {
        _module.SetupVoid("dispose", _ => true).SetException(new JSDisconnectedException("circuit gone"));
        var cut = Render();

        await cut.Instance.DisposeAsync();

        Assert.Single(_module.Invocations["dispose"]);
    }
}
