using IplsWeb.Components.Charts;
using IplsWeb.Fleet;
using Microsoft.AspNetCore.Components;

namespace IplsWeb.Components.Fleet;

/// <summary>A vehicle's live anomaly score with the threshold line (which follows a threshold change).</summary>
public sealed partial class LiveScoreChart
{
    /// <summary>The score axis's name: the score is the model's mean squared reconstruction error of scaled values, without a unit.</summary>
    public const string ScoreAxis = "anomaly score (reconstruction MSE, no unit)";

    private static readonly IReadOnlyList<string> Names = ["anomaly score"];
    private double _threshold;

    [Parameter]
    public int Height { get; set; } = 150;

    protected override TimeWindow<ScorePoint> Source => Fleet.Vehicle(Vehicle).Scores;

    protected override void OnInitialized()
    {
        base.OnInitialized();
        _threshold = Fleet.Threshold;
    }

    protected override IReadOnlyList<IReadOnlyList<ChartPoint>> ToSeries(ScorePoint[] items) =>
        [items.Select(p => new ChartPoint(p.AtUnixMs, p.Score)).ToArray()];

    protected override async Task OnTickAsync()
    {
        if (Fleet.Threshold != _threshold && Chart is not null)
        {
            _threshold = Fleet.Threshold;
            await Chart.SetThresholdAsync(_threshold);
        }
    }
}
