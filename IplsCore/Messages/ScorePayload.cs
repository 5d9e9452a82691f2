using System.Buffers;
using System.Text.Json;

namespace IplsCore.Messages;

/// <summary>
/// The reference score message on <c>v{n}/anomaly</c>: <c>{"anomaly_score":[x],"timestamp":unix_seconds}</c>,
/// plus our optional <c>"timestamp_ms"</c> (unix milliseconds, when the score was produced), which the
/// reference's readers ignore: late scores (queued through an outage) then land at their own time.
/// </summary>
public static class ScorePayload
{
    /// <summary>Writes the message to <paramref name="output"/>; a reused writer keeps the hot path cheap.</summary>
    public static void Write(float score, DateTimeOffset at, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteStartArray("anomaly_score");
        writer.WriteNumberValue(score);
        writer.WriteEndArray();
        writer.WriteNumber("timestamp", at.ToUnixTimeSeconds());
        writer.WriteNumber("timestamp_ms", at.ToUnixTimeMilliseconds());
        writer.WriteEndObject();
    }

    public static byte[] Write(float score, DateTimeOffset at)
    {
        var output = new ArrayBufferWriter<byte>(64);
        Write(score, at, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads a score message (the dashboard's side); false when it is not one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> utf8, out float score, out long timestamp) => TryRead(utf8, out score, out timestamp, out _);

    /// <summary>Reads a score message with its optional millisecond time (null when absent or not an integer).</summary>
    public static bool TryRead(ReadOnlySpan<byte> utf8, out float score, out long timestamp, out long? timestampMs)
    {
        score = 0;
        timestamp = 0;
        timestampMs = null;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            bool haveScore = false;
            bool haveTime = false;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("anomaly_score"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetSingle(out score))
                    {
                        return false;
                    }

                    reader.Skip();
                    while (reader.TokenType != JsonTokenType.EndArray && reader.Read())
                    {
                    }

                    haveScore = float.IsFinite(score);
                }
                else if (reader.ValueTextEquals("timestamp"u8))
                {
                    reader.Read();
                    haveTime = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out timestamp);
                }
                else if (reader.ValueTextEquals("timestamp_ms"u8))
                {
                    reader.Read();
                    timestampMs = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long ms) && ms > 0 ? ms : null;
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return haveScore && haveTime;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
