namespace IplsCore.Ipls.Wire;

/// <summary>Why an incoming message was dropped; counted per kind and reported in status.</summary>
public enum RejectReason
{
    None = 0,

    /// <summary>Too short, bad field, unknown type, trailing bytes.</summary>
    Malformed,

    /// <summary>A protocol version this build does not speak.</summary>
    UnsupportedVersion,

    /// <summary>The HMAC does not verify: forged, corrupted, or another fleet's secret.</summary>
    BadSignature,

    /// <summary>A (sender, incarnation, sequence) seen before, or from an older incarnation.</summary>
    Replayed,

    /// <summary>Sent too long ago (or too far in the future) for the clock-skew allowance, or a delta too far behind the partition.</summary>
    Stale,

    /// <summary>A vector of the wrong length for its partition or model.</summary>
    WrongLength,

    /// <summary>NaN or infinity in a vector.</summary>
    NonFinite,

    /// <summary>A delta whose L2 norm exceeds the allowed bound.</summary>
    NormOutOfBounds,

    /// <summary>A partition index outside the layout, or settings that disagree with ours.</summary>
    Incompatible,
}
