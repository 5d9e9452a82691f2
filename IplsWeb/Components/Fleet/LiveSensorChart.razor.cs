using IplsWeb.Components.Charts;
using IplsWeb.Fleet;
using IplsWeb.Hosting;
using Microsoft.AspNetCore.Components;

namespace IplsWeb.Components.Fleet;

/// <summary>A vehicle's four live sensor values, named as configured (the reference frontend's names by default).</summary>
public sealed partial class LiveSensorChart
{
    public LiveSensorChart() => Window = TimeSpan.FromMinutes(2);

    [Inject]
    private DashboardOptions Options { get; set; } = default!;

    private IReadOnlyList<string> Names => Options.Sensors;

    protected override TimeWindow<SensorSample> Source => Fleet.Vehicle(Vehicle).Sensors;

    protected override IReadOnlyList<IReadOnlyList<ChartPoint>> ToSeries(SensorSample[] items) =>
        [.. Enumerable.Range(0, Names.Count).Select(f => (IReadOnlyList<ChartPoint>)items.Select(s => new ChartPoint(s.AtUnixMs, s.Values[f])).ToArray())];
}
