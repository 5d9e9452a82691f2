namespace IplsCore.Persistence;

public enum ModelFileKind
{
    Unknown,

    /// <summary>Our ".iplsm" format.</summary>
    Ipls,

    /// <summary>The reference system's Java-serialized list of doubles (ad_ipls_params).</summary>
    ReferenceParameters,
}
