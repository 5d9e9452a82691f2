namespace IplsWeb.Components.Charts;

/// <summary>One point of a time series: unix milliseconds and a value.</summary>
public readonly record struct ChartPoint(long AtUnixMs, double Value);
