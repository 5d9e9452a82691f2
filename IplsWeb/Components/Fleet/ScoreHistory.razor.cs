using IplsWeb.Components.Charts;
using IplsWeb.Fleet;
using IplsWeb.History;
using Microsoft.AspNetCore.Components;

namespace IplsWeb.Components.Fleet;

/// <summary>A vehicle's stored scores (1, 6 or 24 h) in buckets; the threshold line follows a change.</summary>
public sealed partial class ScoreHistory : IDisposable
{
    private static readonly IReadOnlyList<string> Names = ["mean score", "max score"];
    private TimeSeriesChart? _chart;
    private int _hours = 1;
    private int _rows;
    private int _buckets;
    private string? _message;
    private double _threshold;

    [Inject]
    private IHistoryStore History { get; set; } = default!;

    [Inject]
    private FleetState Fleet { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Parameter, EditorRequired]
    public int Vehicle { get; set; }

    protected override void OnInitialized()
    {
        _threshold = Fleet.Threshold;
        Fleet.ThresholdChanged += OnThresholdChanged;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            await LoadAsync(_hours);
        }
    }

    private void OnThresholdChanged(double threshold) => _ = InvokeAsync(async () =>
    {
        _threshold = threshold;
        if (_chart is not null)
        {
            await _chart.SetThresholdAsync(threshold);
        }
    });

    private async Task LoadAsync(int hours)
    {
        _hours = hours;
        try
        {
            long to = Time.GetUtcNow().ToUnixTimeMilliseconds();
            long from = to - (hours * 3_600_000L);
            var buckets = await History.ScoresAsync(Vehicle, from, to, 600, CancellationToken.None);
            _rows = buckets.Sum(b => b.Count);
            _buckets = buckets.Count;
            _message = buckets.Count == 0 ? "No stored scores in this range yet." : null;
            await _chart!.SetDataAsync(
            [
                buckets.Select(b => new ChartPoint(b.AtUnixMs, b.Mean)).ToArray(),
                buckets.Select(b => new ChartPoint(b.AtUnixMs, b.Max)).ToArray(),
            ], from, to);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            _message = "History unavailable: " + ex.Message;
        }

        StateHasChanged();
    }

    public void Dispose() => Fleet.ThresholdChanged -= OnThresholdChanged;
}
