namespace IplsCore.Messages;

/// <summary>Why a sensor or control payload was dropped; counted per kind and reported in status.</summary>
public enum PayloadRejection
{
    None = 0,

    /// <summary>Larger than the allowed payload size.</summary>
    Oversized,

    /// <summary>Not JSON, or not the expected object.</summary>
    NotJson,

    /// <summary>No "value" array (or "mode" string).</summary>
    MissingField,

    /// <summary>Too few or too many values.</summary>
    WrongLength,

    /// <summary>A value that is neither a number nor a numeric string.</summary>
    NotNumeric,

    /// <summary>NaN, infinity, or a magnitude beyond the allowed bound.</summary>
    OutOfRange,

    /// <summary>A mode other than normal or anomaly.</summary>
    UnknownMode,
}
