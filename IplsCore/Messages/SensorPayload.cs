using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace IplsCore.Messages;

/// <summary>
/// The reference sensor message on <c>vehicle/{n}</c>: <c>{"value":["-4.39936127","1.37920332",...]}</c>
/// with numbers or numeric strings. Parsed without allocating, and checked: size, JSON, length,
/// numeric, finite and within a magnitude bound (sensor values are single digits; 1e6 is nonsense).
/// </summary>
public static class SensorPayload
{
    public const int DefaultMaxBytes = 4096;
    public const float DefaultMaxMagnitude = 1e6f;

    public static PayloadRejection TryParse(ReadOnlySpan<byte> utf8, Span<float> values, out string detail, int maxBytes = DefaultMaxBytes, float maxMagnitude = DefaultMaxMagnitude)
    {
        detail = string.Empty;
        if (utf8.Length > maxBytes)
        {
            detail = $"{utf8.Length} bytes, limit {maxBytes}";
            return PayloadRejection.Oversized;
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                detail = "not a JSON object";
                return PayloadRejection.NotJson;
            }

            bool found = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("value"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                found = true;
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    detail = "\"value\" is not an array";
                    return PayloadRejection.MissingField;
                }

                int count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (count == values.Length)
                    {
                        detail = $"more than {values.Length} values";
                        return PayloadRejection.WrongLength;
                    }

                    if (!TryNumber(ref reader, out double number))
                    {
                        detail = $"value {count} is not a number";
                        return PayloadRejection.NotNumeric;
                    }

                    if (!double.IsFinite(number) || Math.Abs(number) > maxMagnitude)
                    {
                        detail = string.Create(CultureInfo.InvariantCulture, $"value {count} ({number}) is not finite or beyond ±{maxMagnitude}");
                        return PayloadRejection.OutOfRange;
                    }

                    values[count++] = (float)number;
                }

                if (count != values.Length)
                {
                    detail = $"{count} values, expected {values.Length}";
                    return PayloadRejection.WrongLength;
                }
            }

            if (!found)
            {
                detail = "no \"value\" field";
                return PayloadRejection.MissingField;
            }

            return PayloadRejection.None;
        }
        catch (JsonException ex)
        {
            detail = ex.Message;
            return PayloadRejection.NotJson;
        }
    }

    /// <summary>Writes <c>{"value":[...]}</c> with plain JSON numbers.</summary>
    public static byte[] Write(ReadOnlySpan<float> values)
    {
        using var buffer = new MemoryStream(16 + (values.Length * 16));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("value");
            foreach (float v in values)
            {
                writer.WriteNumberValue(v);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Writes <c>{"value":["-4.39936127",...]}</c>: numeric strings with 8 decimals, exactly as the reference generator
    /// does, since the reference's Java peer reads each value with <c>getString</c> and refuses JSON numbers.
    /// </summary>
    public static byte[] WriteAsStrings(ReadOnlySpan<float> values)
    {
        using var buffer = new MemoryStream(16 + (values.Length * 16));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("value");
            foreach (float v in values)
            {
                writer.WriteStringValue(((double)v).ToString("F8", CultureInfo.InvariantCulture));
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static bool TryNumber(ref Utf8JsonReader reader, out double number)
    {
        number = 0;
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetDouble(out number);
        }

        if (reader.TokenType != JsonTokenType.String || reader.HasValueSequence || reader.ValueIsEscaped)
        {
            return false;
        }

        // The reference sends numbers as strings: "-4.39936127". Parse straight from the UTF-8 bytes.
        var text = reader.ValueSpan.Trim(" "u8);
        return Utf8Parser.TryParse(text, out number, out int consumed) && consumed == text.Length && text.Length > 0;
    }
}
