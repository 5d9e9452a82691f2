using System.Text.Json;

namespace IplsCore.Transport.Kubo;

/// <summary>
/// Reads one line of a <c>pubsub/sub</c> stream (Kubo ≥ 0.11 format) and says what it is: a
/// message for us, our own publication (Kubo hands those back too), a line to skip, or bad input.
/// </summary>
internal static class KuboPubsubDecoder
{
    public static KuboDecodedLine Decode(ReadOnlySpan<byte> line, string encodedTopic, string selfId, int maxPayloadBytes)
    {
        KuboPubsubLine? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(line, KuboJsonContext.Default.KuboPubsubLine);
        }
        catch (JsonException)
        {
            return KuboDecodedLine.Malformed("not a JSON object");
        }

        if (parsed is null)
        {
            return KuboDecodedLine.Malformed("not a JSON object");
        }

        if (string.IsNullOrEmpty(parsed.From))
        {
            // Old daemons opened the stream with "{}"; clients skip lines without a sender.
            return new KuboDecodedLine(KuboLineKind.Skipped, [], null);
        }

        if (string.Equals(parsed.From, selfId, StringComparison.Ordinal))
        {
            return new KuboDecodedLine(KuboLineKind.Own, [], null);
        }

        if (parsed.TopicIds is { Count: > 0 } topics && !topics.Contains(encodedTopic, StringComparer.Ordinal))
        {
            return KuboDecodedLine.Malformed("its topicIDs do not name the subscribed topic");
        }

        if (parsed.Data is null)
        {
            return new KuboDecodedLine(KuboLineKind.Message, [], null); // an empty message has no data key
        }

        if (!Multibase.TryDecode(parsed.Data, maxPayloadBytes, out byte[] payload, out bool tooLarge))
        {
            return tooLarge
                ? new KuboDecodedLine(KuboLineKind.Oversized, [], $"data over {maxPayloadBytes} bytes")
                : KuboDecodedLine.Malformed("data is not multibase u + base64url");
        }

        return new KuboDecodedLine(KuboLineKind.Message, payload, null);
    }
}

internal enum KuboLineKind
{
    Message,
    Own,
    Skipped,
    Malformed,
    Oversized,
}

/// <summary>What a stream line turned out to be; <see cref="Reason"/> says why bad input was refused.</summary>
internal readonly record struct KuboDecodedLine(KuboLineKind Kind, byte[] Payload, string? Reason)
{
    public static KuboDecodedLine Malformed(string reason) => new(KuboLineKind.Malformed, [], reason);
}
