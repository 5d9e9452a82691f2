namespace IplsWeb.History;

/// <summary>One score to store.</summary>
public readonly record struct ScoreRow(int Vehicle, long AtUnixMs, float Score);
