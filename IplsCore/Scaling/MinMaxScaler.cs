using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json;
using IplsCore.Engine;
using IplsCore.Persistence;

namespace IplsCore.Scaling;

/// <summary>
/// Per-feature min-max scaling to [0, 1] like ND4J's <c>NormalizerMinMaxScaler(0,1)</c>:
/// x' = (x − min) / (max − min). Values outside the fitted range map outside [0, 1]; that is how
/// unusual data shows up. Immutable, so one instance can be shared by scorers and trainers.
/// </summary>
public sealed class MinMaxScaler
{
    private const string FormatName = "ipls-minmax-scaler";
    private readonly float[] _min;
    private readonly float[] _max;
    private readonly float[] _inverseRange;

    public MinMaxScaler(ReadOnlySpan<float> min, ReadOnlySpan<float> max)
    {
        if (min.Length == 0 || min.Length != max.Length)
        {
            throw new ArgumentException($"Scaler needs equal, non-empty min and max arrays (got {min.Length} and {max.Length}).");
        }

        FiniteCheck.ThrowIfNonFinite(min, "scaler minimum");
        FiniteCheck.ThrowIfNonFinite(max, "scaler maximum");
        for (int i = 0; i < min.Length; i++)
        {
            if (!(max[i] > min[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Scaler feature {i}: max ({max[i]}) must be greater than min ({min[i]})."));
            }
        }

        _min = min.ToArray();
        _max = max.ToArray();
        _inverseRange = new float[min.Length];
        for (int i = 0; i < min.Length; i++)
        {
            _inverseRange[i] = 1f / (max[i] - min[i]);
        }
    }

    public int Features => _min.Length;

    public ReadOnlySpan<float> Min => _min;

    public ReadOnlySpan<float> Max => _max;

    /// <summary>
    /// Fits per-feature min and max over row-major <paramref name="rows"/>. A constant feature gets a
    /// range of 1 around its value, so it scales to 0.5 instead of dividing by zero.
    /// </summary>
    public static MinMaxScaler Fit(ReadOnlySpan<float> rows, int features)
    {
        if (features < 1 || rows.Length == 0 || rows.Length % features != 0)
        {
            throw new ArgumentException($"Cannot fit a scaler on {rows.Length} values with {features} features per row.");
        }

        FiniteCheck.ThrowIfNonFinite(rows, "scaler fitting data");
        var min = new float[features];
        var max = new float[features];
        rows[..features].CopyTo(min);
        rows[..features].CopyTo(max);
        for (int offset = features; offset < rows.Length; offset += features)
        {
            var row = rows.Slice(offset, features);
            TensorPrimitives.Min(min, row, min);
            TensorPrimitives.Max(max, row, max);
        }

        for (int i = 0; i < features; i++)
        {
            if (!(max[i] > min[i]))
            {
                min[i] -= 0.5f;
                max[i] += 0.5f;
            }
        }

        return new MinMaxScaler(min, max);
    }

    /// <summary>The smallest scaler covering both ranges.</summary>
    public MinMaxScaler Union(MinMaxScaler other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Features != Features)
        {
            throw new ArgumentException($"Cannot combine scalers of {Features} and {other.Features} features.", nameof(other));
        }

        var min = new float[Features];
        var max = new float[Features];
        TensorPrimitives.Min(_min, other._min, min);
        TensorPrimitives.Max(_max, other._max, max);
        return new MinMaxScaler(min, max);
    }

    /// <summary>Scales row-major <paramref name="rows"/> into <paramref name="destination"/> (may be the same span).</summary>
    public void Transform(ReadOnlySpan<float> rows, Span<float> destination)
    {
        int f = _min.Length;
        if (rows.Length % f != 0 || destination.Length < rows.Length)
        {
            throw new ArgumentException($"Expected whole rows of {f} features and a destination at least as long.");
        }

        for (int offset = 0; offset < rows.Length; offset += f)
        {
            var dst = destination.Slice(offset, f);
            TensorPrimitives.Subtract(rows.Slice(offset, f), _min, dst);
            TensorPrimitives.Multiply(dst, _inverseRange, dst);
        }
    }

    /// <summary>True when both scalers have exactly the same min and max.</summary>
    public bool SameAs(MinMaxScaler other) =>
        other is not null && _min.AsSpan().SequenceEqual(other._min) && _max.AsSpan().SequenceEqual(other._max);

    /// <summary>Writes the scaler as a small JSON document (human-readable, versioned).</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("format", FormatName);
        writer.WriteNumber("version", 1);
        WriteArray(writer, "min", _min);
        WriteArray(writer, "max", _max);
        writer.WriteEndObject();
    }

    public void SaveFile(string path) => AtomicFile.Write(path, Save);

    public static MinMaxScaler Load(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            using var document = JsonDocument.Parse(stream);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("format", out var format)
                || format.ValueKind != JsonValueKind.String
                || format.GetString() != FormatName)
            {
                throw new ModelFormatException($"{sourceName}: not an IPLS scaler file (missing \"format\": \"{FormatName}\").");
            }

            if (!root.TryGetProperty("version", out var version) || !version.TryGetInt32(out int v) || v != 1)
            {
                throw new ModelFormatException($"{sourceName}: unsupported scaler file version.");
            }

            return new MinMaxScaler(ReadArray(root, "min", sourceName), ReadArray(root, "max", sourceName));
        }
        catch (JsonException ex)
        {
            throw new ModelFormatException($"{sourceName}: scaler file is not valid JSON ({ex.Message})", ex);
        }
        catch (ArgumentException ex)
        {
            throw new ModelFormatException($"{sourceName}: {ex.Message}", ex);
        }
        catch (NonFiniteValueException ex)
        {
            throw new ModelFormatException($"{sourceName}: {ex.Message}", ex);
        }
    }

    public static MinMaxScaler LoadFile(string path)
    {
        using var stream = InputFile.OpenRead(path);
        return Load(stream, Path.GetFileName(path));
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        for (int i = 0; i < Features; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? string.Empty : ", ")}[{_min[i]:G6}, {_max[i]:G6}]");
        }

        return text.ToString();
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, float[] values)
    {
        writer.WriteStartArray(name);
        foreach (float value in values)
        {
            writer.WriteNumberValue(value);
        }

        writer.WriteEndArray();
    }

    private static float[] ReadArray(JsonElement root, string name, string sourceName)
    {
        if (!root.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new ModelFormatException($"{sourceName}: scaler file has no \"{name}\" array.");
        }

        var values = new float[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetSingle(out values[i]))
            {
                throw new ModelFormatException($"{sourceName}: \"{name}\"[{i}] is not a number.");
            }

            i++;
        }

        return values;
    }
}
