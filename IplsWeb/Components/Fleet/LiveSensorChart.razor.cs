using IplsWeb.Components.Charts;
using IplsWeb.Fleet;

namespace IplsWeb.Components.Fleet;

/// <summary>A vehicle's four live sensor values.</summary>
public sealed partial class LiveSensorChart
{
    /// <summary>The sensors in the order of the reference's value array.</summary>
    public static readonly IReadOnlyList<string> Names = ["sensor 1", "sensor 2", "sensor 3", "sensor 4"];

    public LiveSensorChart() => Window = TimeSpan.FromMinutes(2);

    protected override TimeWindow<SensorSample> Source => Fleet.Vehicle(Vehicle).Sensors;

    protected override long TimeOf(SensorSample item) => item.AtUnixMs;

    protected override IReadOnlyList<IReadOnlyList<ChartPoint>> ToSeries(SensorSample[] items) =>
        [.. Enumerable.Range(0, Names.Count).Select(f => (IReadOnlyList<ChartPoint>)items.Select(s => new ChartPoint(s.AtUnixMs, s.Values[f])).ToArray())];
}
