namespace IplsCore.Data;

/// <summary>
/// Converts <see cref="GeneratorMode"/> to and from the names used in the MQTT control message
/// <c>{"mode":"normal"|"anomaly"}</c>.
/// </summary>
public static class GeneratorModeParser
{
    /// <summary>The wire name of <see cref="GeneratorMode.Normal"/>.</summary>
    public const string NormalName = "normal";

    /// <summary>The wire name of <see cref="GeneratorMode.Anomaly"/>.</summary>
    public const string AnomalyName = "anomaly";

    /// <summary>
    /// Accepts "normal" or "anomaly" in any letter case, with surrounding white space.
    /// Numbers and other enum spellings are rejected, unlike <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/>.
    /// </summary>
    public static bool TryParse(string? text, out GeneratorMode mode)
    {
        if (text is null)
        {
            mode = GeneratorMode.Normal;
            return false;
        }

        return TryParse(text.AsSpan(), out mode);
    }

    /// <inheritdoc cref="TryParse(string?, out GeneratorMode)"/>
    public static bool TryParse(ReadOnlySpan<char> text, out GeneratorMode mode)
    {
        var trimmed = text.Trim();
        if (trimmed.Equals(NormalName, StringComparison.OrdinalIgnoreCase))
        {
            mode = GeneratorMode.Normal;
            return true;
        }

        if (trimmed.Equals(AnomalyName, StringComparison.OrdinalIgnoreCase))
        {
            mode = GeneratorMode.Anomaly;
            return true;
        }

        mode = GeneratorMode.Normal;
        return false;
    }

    /// <summary>The lower-case wire name of <paramref name="mode"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined mode.</exception>
    public static string ToWireName(GeneratorMode mode) => mode switch
    {
        GeneratorMode.Normal => NormalName,
        GeneratorMode.Anomaly => AnomalyName,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown generator mode."),
    };
}
