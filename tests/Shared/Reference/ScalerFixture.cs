namespace IplsCore.Tests.Persistence.Reference;

/// <summary>
/// What to put in a fixture scaler file; defaults match the reference system (FLOAT data, LONG shape info,
/// shape [1, n], target range [0, 1], no labels). Label arrays present means fitLabel is true.
/// </summary>
internal sealed record ScalerFixture(float[] Min, float[] Max)
{
    public double TargetMin { get; init; }

    public double TargetMax { get; init; } = 1.0;

    public float[]? LabelMin { get; init; }

    public float[]? LabelMax { get; init; }

    /// <summary>Write the data buffers as DOUBLE instead of FLOAT.</summary>
    public bool AsDoubles { get; init; }

    /// <summary>Write buffers the pre-1.0 way: allocation mode "JAVACPP", int lengths, INT shape info.</summary>
    public bool LegacyIntShape { get; init; }

    /// <summary>Shape written for every array instead of [1, n] (its element count must still match the values).</summary>
    public long[]? Shape { get; init; }

    public string Header { get; init; } = "NORMALIZER";

    public int Version { get; init; } = 1;

    public string Type { get; init; } = "MIN_MAX";

    public byte[] ToBytes() => Nd4jNormalizerFixtureWriter.Write(this);
}
