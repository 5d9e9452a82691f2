namespace IplsCore.Data;

/// <summary>Which kind of vehicle data a source produces.</summary>
public enum GeneratorMode
{
    /// <summary>Data like the reference's normal_* files.</summary>
    Normal,

    /// <summary>Data like the reference's anomaly_* files.</summary>
    Anomaly,
}
