using IplsCore.Persistence.Reference.Nd4j;

namespace IplsCore.Persistence.Reference;

/// <summary>
/// Reads the reference system's "scaler" file: ND4J's NormalizerSerializer output for a NormalizerMinMaxScaler.
/// Layout (Java DataOutputStream): UTF "NORMALIZER", int version 1, UTF "MIN_MAX", boolean fitLabel,
/// double targetMin, double targetMax, ND4J arrays feature min and max, then label min and max if fitLabel.
/// </summary>
public static class ReferenceScalerReader
{
    private const string FormatName = "ND4J normalizer file";
    private const int SupportedVersion = 1;
    private const int MaxFileBytes = 16 * 1024 * 1024;

    // writeUTF("NORMALIZER"): big-endian length 10, then the ASCII bytes.
    private static ReadOnlySpan<byte> Header => "\0\nNORMALIZER"u8;

    /// <summary>True when <paramref name="header"/> starts with the NormalizerSerializer header string "NORMALIZER".</summary>
    public static bool IsNd4jNormalizer(ReadOnlySpan<byte> header) => header.StartsWith(Header);

    /// <summary>Reads a scaler file; errors name the file.</summary>
    /// <exception cref="ModelFormatException">The content is not a valid min-max scaler.</exception>
    public static ReferenceScaler ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = File.OpenRead(path);
        return Read(stream, Path.GetFileName(path));
    }

    /// <summary>Reads a min-max scaler from the stream, which must hold exactly one serialized normalizer.</summary>
    /// <param name="stream">Read from its current position to the end.</param>
    /// <param name="sourceName">Starts every error message, e.g. the file name.</param>
    /// <exception cref="ModelFormatException">The content is not a valid min-max scaler.</exception>
    public static ReferenceScaler Read(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var cursor = BigEndianCursor.FromStream(stream, MessageText.Source(sourceName), FormatName, MaxFileBytes);
        if (!IsNd4jNormalizer(cursor.Data))
        {
            // Check the whole header up front: a wrong file would otherwise fail with a confusing length error.
            throw cursor.Error(ReferenceParameterReader.IsJavaSerialization(cursor.Data)
                ? "this is a Java serialization stream (e.g. model parameters), not an ND4J normalizer file"
                : "not an ND4J normalizer file (it does not start with the \"NORMALIZER\" header)");
        }

        cursor.ReadModifiedUtf8("header");
        int version = cursor.ReadInt32("serializer version");
        if (version != SupportedVersion)
        {
            throw cursor.Error($"unsupported normalizer serializer version {version} (expected {SupportedVersion})");
        }

        string type = cursor.ReadModifiedUtf8("normalizer type");
        if (type != "MIN_MAX")
        {
            throw cursor.Error($"unsupported normalizer type {MessageText.Quote(type)} (expected \"MIN_MAX\")");
        }

        bool fitLabel = cursor.ReadBoolean("fitLabel flag");
        double targetMin = cursor.ReadDouble("target min");
        double targetMax = cursor.ReadDouble("target max");
        if (!double.IsFinite(targetMin) || !double.IsFinite(targetMax) || targetMin >= targetMax)
        {
            throw cursor.Error($"invalid target range [{targetMin}, {targetMax}] (expected finite min < max)");
        }

        float[] min = Nd4jArrayReader.ReadVector(cursor, "feature min");
        float[] max = Nd4jArrayReader.ReadVector(cursor, "feature max");
        if (fitLabel)
        {
            // Label statistics are parsed so the layout is checked, but this model has no labels to scale.
            float[] labelMin = Nd4jArrayReader.ReadVector(cursor, "label min");
            float[] labelMax = Nd4jArrayReader.ReadVector(cursor, "label max");
            RequireValidRanges(cursor, labelMin, labelMax, "label");
        }

        cursor.RequireEnd("the normalizer");
        RequireValidRanges(cursor, min, max, "feature");
        return new ReferenceScaler(min, max, targetMin, targetMax);
    }

    private static void RequireValidRanges(BigEndianCursor cursor, float[] min, float[] max, string kind)
    {
        if (min.Length != max.Length)
        {
            throw cursor.Error($"{kind} min has {min.Length} values but {kind} max has {max.Length}");
        }

        if (min.Length == 0)
        {
            throw cursor.Error($"{kind} min and max are empty");
        }

        for (int i = 0; i < min.Length; i++)
        {
            if (!float.IsFinite(min[i]) || !float.IsFinite(max[i]))
            {
                throw cursor.Error($"{kind} {i} has non-finite range [{min[i]}, {max[i]}]");
            }

            // min == max would divide by zero when scaling.
            if (min[i] >= max[i])
            {
                throw cursor.Error($"{kind} {i} has min {min[i]} >= max {max[i]}");
            }
        }
    }
}
