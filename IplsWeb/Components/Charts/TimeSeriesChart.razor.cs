using IplsWeb.Fleet;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace IplsWeb.Components.Charts;

/// <summary>
/// A time-series chart (ApexCharts behind a small JS module). Data never goes through the Razor
/// tree: the component renders its element once, then each <see cref="AppendAsync"/> is one interop
/// call carrying a whole batch, and the module trims to <see cref="Window"/>. Calls made before the
/// chart exists wait for it. Options are read once, when the chart is created (first render); only
/// <see cref="Threshold"/> is followed afterwards (or set with <see cref="SetThresholdAsync"/>).
/// </summary>
public sealed partial class TimeSeriesChart : ComponentBase, IAsyncDisposable
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ElementReference _element;
    private IJSObjectReference? _module;
    private int _id;
    private bool _disposed;
    private double? _thresholdParameter;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Parameter, EditorRequired]
    public IReadOnlyList<string> SeriesNames { get; set; } = [];

    /// <summary>A horizontal line; with one series, points above it are marked.</summary>
    [Parameter]
    public double? Threshold { get; set; }

    [Parameter]
    public double? YMin { get; set; }

    [Parameter]
    public double? YMax { get; set; }

    /// <summary>Decimals of the y-axis labels.</summary>
    [Parameter]
    public int YDigits { get; set; } = 3;

    [Parameter]
    public bool Zoomable { get; set; }

    [Parameter]
    public int Height { get; set; } = 160;

    /// <summary>How much history the chart keeps; zero keeps everything it is given.</summary>
    [Parameter]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The y-axis's name with its unit (e.g. "anomaly score (MSE, no unit)").</summary>
    [Parameter]
    public string? YTitle { get; set; }

    /// <summary>
    /// The time zone the x-axis labels are drawn in (the dashboard's, as every time it shows); the axis
    /// is titled with it. Null: the dashboard's local zone.
    /// </summary>
    [Parameter]
    public TimeZoneInfo? Zone { get; set; }

    /// <summary>A caption drawn by the chart itself (inside its SVG).</summary>
    [Parameter]
    public string? Title { get; set; }

    [Parameter]
    public string? TestId { get; set; }

    /// <summary>What the chart shows, for screen readers (e.g. "Anomaly score of vehicle 2, last 5 minutes").</summary>
    [Parameter]
    public string? AccessibleName { get; set; }

    /// <summary>Why the chart could not be drawn (its script failed to load); null while all is well.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>Replaces all data. With <paramref name="fromUnixMs"/> and <paramref name="toUnixMs"/> the x-axis spans that range, not just the data.</summary>
    public Task SetDataAsync(IReadOnlyList<IReadOnlyList<ChartPoint>> series, long? fromUnixMs = null, long? toUnixMs = null) =>
        InvokeChartAsync("setData", [Encode(series), fromUnixMs is { } from && toUnixMs is { } to && to > from ? new { fromMs = from, toMs = to } : null]);

    public Task AppendAsync(IReadOnlyList<IReadOnlyList<ChartPoint>> pointsPerSeries)
    {
        ArgumentNullException.ThrowIfNull(pointsPerSeries);
        return pointsPerSeries.All(s => s.Count == 0) ? Task.CompletedTask : InvokeChartAsync("append", [Encode(pointsPerSeries)]);
    }

    public Task SetThresholdAsync(double? threshold) => InvokeChartAsync("setThreshold", [threshold]);

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        _ready.TrySetCanceled();
        if (_module is null)
        {
            return;
        }

        try
        {
            if (_id != 0)
            {
                await _module.InvokeVoidAsync("dispose", _id).ConfigureAwait(false);
            }

            await _module.DisposeAsync().ConfigureAwait(false);
        }
        catch (JSDisconnectedException)
        {
            // The browser is gone; so is the chart.
        }
    }

    // The element never changes; data flows through interop only. The one exception: the chart could
    // not be created and says so instead.
    protected override bool ShouldRender() => Unavailable is not null;

    // A parent that re-renders with a new Threshold moves the line (one interop call); other options
    // are fixed once the chart exists.
    protected override Task OnParametersSetAsync()
    {
        if (_thresholdParameter == Threshold)
        {
            return Task.CompletedTask;
        }

        _thresholdParameter = Threshold;
        return _id == 0 ? Task.CompletedTask : SetThresholdAsync(Threshold);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        try
        {
            _module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/timeSeriesChart.js").ConfigureAwait(true);
            _id = await _module.InvokeAsync<int>("create", _element, new
            {
                seriesNames = SeriesNames,
                title = Title,
                threshold = Threshold,
                yMin = YMin,
                yMax = YMax,
                yDigits = YDigits,
                zoomable = Zoomable,
                height = Height,
                windowMs = (long)Window.TotalMilliseconds,
                yTitle = YTitle,
                xTitle = "time (" + Times.ZoneName(DateTimeOffset.UtcNow, Zone ?? TimeZoneInfo.Local) + ")",
                timeZone = IanaZone(Zone ?? TimeZoneInfo.Local),
            }).ConfigureAwait(true);
            _ready.TrySetResult();
        }
        catch (JSDisconnectedException)
        {
            _ready.TrySetCanceled();
        }
        catch (JSException ex)
        {
            // The chart library or module did not load (a network blip, a blocked script): this chart
            // is unavailable, the page and its circuit live on. Data calls become no-ops.
            Unavailable = ex.Message.Split('\n', 2)[0];
            _ready.TrySetCanceled();
            StateHasChanged();
        }
    }

    // The browser formats in this zone (Intl); a zone without an IANA name leaves the browser's own.
    private static string? IanaZone(TimeZoneInfo zone) =>
        zone.HasIanaId ? zone.Id : TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out string? iana) ? iana : null;

    private static double[][][] Encode(IReadOnlyList<IReadOnlyList<ChartPoint>> series) =>
        [.. series.Select(s => s.Select(p => new[] { p.AtUnixMs, p.Value }).ToArray())];

    // Arguments as an explicit array: a double[][][] passed to params object[] would be spread.
    private async Task InvokeChartAsync(string function, object?[] arguments)
    {
        try
        {
            await _ready.Task.ConfigureAwait(true);
        }
        catch (TaskCanceledException)
        {
            return; // the chart never came to be (page left, circuit gone)
        }

        if (_disposed || _module is null)
        {
            return;
        }

        try
        {
            await _module.InvokeVoidAsync(function, [_id, .. arguments]).ConfigureAwait(true);
        }
        catch (JSDisconnectedException)
        {
            // The circuit is closing.
        }
        catch (JSException ex)
        {
            // A failing chart call must not end the circuit (the page would die with it).
            Unavailable ??= ex.Message.Split('\n', 2)[0];
            StateHasChanged();
        }
    }
}
