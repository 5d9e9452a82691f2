namespace IplsWeb.History;

/// <summary>Scores of one time bucket (downsampled for long ranges): start, min, max, mean and how many.</summary>
public readonly record struct ScoreBucket(long AtUnixMs, float Min, float Max, float Mean, int Count);
