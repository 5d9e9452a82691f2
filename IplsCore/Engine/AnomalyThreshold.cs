namespace IplsCore.Engine;

/// <summary>The score above which a sample counts as anomalous, unless configured otherwise.</summary>
public static class AnomalyThreshold
{
    /// <summary>The reference's threshold for the bundled model (reconstruction error, BCE).</summary>
    public const double Default = 0.08;
}
