using System.Buffers;
using System.Text.Json;

namespace IplsCore.Messages;

/// <summary>The reference score message on <c>v{n}/anomaly</c>: <c>{"anomaly_score":[x],"timestamp":unix_seconds}</c>.</summary>
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
        writer.WriteEndObject();
    }

    public static byte[] Write(float score, DateTimeOffset at)
    {
        var output = new ArrayBufferWriter<byte>(64);
        Write(score, at, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads a score message (the dashboard's side); false when it is not one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> utf8, out float score, out long timestamp)
    {
        score = 0;
        timestamp = 0;
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
