namespace IplsWeb.Fleet;

/// <summary>One sensor sample as the broker routed it: when (unix ms) and the feature values.</summary>
public readonly record struct SensorSample(long AtUnixMs, float[] Values);
