using System.Globalization;

namespace IplsCore.Data;

/// <summary>
/// Reads and writes sensor data in the reference CSV format: no header, one sample per line,
/// comma-separated invariant-culture floats, e.g. <c>-4.39936127,1.37920332,0.09420760,-0.05222571</c>.
/// Data is held as a flat row-major array of rows × features.
/// </summary>
public static class SensorCsv
{
    // Enough for any float in "F8" (up to 39 integer digits, sign, point, 8 decimals).
    private const int FormatBufferLength = 64;

    // Field text quoted in error messages is cut so the message stays one readable line.
    private const int MaxQuotedFieldLength = 40;

    /// <summary>Reads a CSV file; errors name the file by its file name.</summary>
    /// <exception cref="DataFormatException">The file is missing, empty or malformed.</exception>
    public static float[] ReadFile(string path, int features = VehicleDataSpec.Features)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        var sourceName = Path.GetFileName(path);
        if (sourceName.Length == 0)
        {
            sourceName = path;
        }

        StreamReader reader;
        try
        {
            reader = new StreamReader(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataFormatException($"{sourceName}: file not found", ex);
        }

        using (reader)
        {
            return Read(reader, sourceName, features);
        }
    }

    /// <summary>
    /// Reads CSV text. Tolerates CRLF line ends, spaces around fields and blank lines at the end;
    /// rejects blank lines between rows, wrong field counts, non-numbers, NaN and infinities.
    /// </summary>
    /// <param name="reader">The text to read.</param>
    /// <param name="sourceName">Name used in error messages, e.g. the file name.</param>
    /// <param name="features">Fields expected on every line.</param>
    /// <exception cref="DataFormatException">The text is empty or malformed.</exception>
    public static float[] Read(TextReader reader, string sourceName, int features = VehicleDataSpec.Features)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);

        var values = new List<float>();
        var lineNumber = 0;
        var firstBlankLine = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                if (firstBlankLine == 0)
                {
                    firstBlankLine = lineNumber;
                }

                continue;
            }

            if (firstBlankLine != 0)
            {
                // A gap inside the data more likely means a damaged file than a harmless layout choice.
                throw new DataFormatException($"{sourceName}:{firstBlankLine}: blank line before more data");
            }

            ParseLine(line, sourceName, lineNumber, features, values);
        }

        if (values.Count == 0)
        {
            throw new DataFormatException($"{sourceName}: file is empty");
        }

        return values.ToArray();
    }

    /// <summary>Writes <paramref name="rows"/> (rows × features, row-major) with 8 decimals and LF line ends.</summary>
    /// <remarks>
    /// The decimals are those of the float itself, so text read with more precision than a float holds
    /// may come back changed in the last digits (-4.39936127 is written as -4.39936113).
    /// </remarks>
    /// <exception cref="ArgumentException">The length is not a multiple of <paramref name="features"/>, or a value is NaN or infinite.</exception>
    public static void Write(TextWriter writer, ReadOnlySpan<float> rows, int features = VehicleDataSpec.Features)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (rows.Length % features != 0)
        {
            throw new ArgumentException(
                $"Data length {rows.Length} is not a multiple of {features} features.", nameof(rows));
        }

        Span<char> buffer = stackalloc char[FormatBufferLength];
        for (var i = 0; i < rows.Length; i++)
        {
            var value = rows[i];
            if (!float.IsFinite(value))
            {
                // Such a file could not be read back.
                throw new ArgumentException(
                    $"Row {i / features}, feature {i % features} is {value.ToString(CultureInfo.InvariantCulture)}; only finite values can be written.",
                    nameof(rows));
            }

            if (i % features != 0)
            {
                writer.Write(',');
            }

            if (value.TryFormat(buffer, out var written, "F8", CultureInfo.InvariantCulture))
            {
                writer.Write(buffer[..written]);
            }
            else
            {
                writer.Write(value.ToString("F8", CultureInfo.InvariantCulture));
            }

            if (i % features == features - 1)
            {
                // LF like the reference files, whatever the platform's NewLine.
                writer.Write('\n');
            }
        }
    }

    /// <summary>Writes <paramref name="rows"/> to a new or replaced file; see <see cref="Write"/>.</summary>
    public static void WriteFile(string path, ReadOnlySpan<float> rows, int features = VehicleDataSpec.Features)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var writer = new StreamWriter(path);
        Write(writer, rows, features);
    }

    private static void ParseLine(string line, string sourceName, int lineNumber, int features, List<float> values)
    {
        var fieldCount = line.AsSpan().Count(',') + 1;
        if (fieldCount != features)
        {
            throw new DataFormatException(
                $"{sourceName}:{lineNumber}: expected {features} fields, found {fieldCount}");
        }

        var rest = line.AsSpan();
        for (var field = 1; field <= features; field++)
        {
            var comma = rest.IndexOf(',');
            var text = (comma < 0 ? rest : rest[..comma]).Trim();
            rest = comma < 0 ? [] : rest[(comma + 1)..];

            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new DataFormatException(
                    $"{sourceName}:{lineNumber}: field {field} '{Quote(text)}' is not a number");
            }

            // Parsing accepts "NaN" and "Infinity" and turns overflow into infinity; none is a reading.
            if (!float.IsFinite(value))
            {
                throw new DataFormatException(
                    $"{sourceName}:{lineNumber}: field {field} '{Quote(text)}' is not a finite number");
            }

            values.Add(value);
        }
    }

    private static string Quote(ReadOnlySpan<char> text) =>
        text.Length <= MaxQuotedFieldLength ? text.ToString() : string.Concat(text[..MaxQuotedFieldLength], "...");
}
