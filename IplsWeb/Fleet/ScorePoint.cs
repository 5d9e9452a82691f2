namespace IplsWeb.Fleet;

/// <summary>One published score: when (unix ms, as the dashboard received it) and the value.</summary>
public readonly record struct ScorePoint(long AtUnixMs, float Score);
