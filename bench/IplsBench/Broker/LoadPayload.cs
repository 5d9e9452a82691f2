using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace IplsBench.Broker;

/// <summary>
/// A sensor message as agents see it (<c>{"value":[4 numbers]}</c>) with a fixed-width tag at the end
/// that the subscriber reads without parsing JSON: publisher, sequence number and send timestamp.
/// </summary>
internal static class LoadPayload
{
    // ,"m":"PP SSSSSSSS TTTTTTTTTTTTTTTTTTT"}  — digits only, fixed offsets from the end.
    private const int PublisherDigits = 2;
    private const int SequenceDigits = 8;
    private const int TimestampDigits = 19;
    private const int TagDigits = PublisherDigits + SequenceDigits + TimestampDigits;
    private static readonly byte[] Head = Encoding.ASCII.GetBytes("{\"value\":[12.345678,0.123456,-1.234567,98.765432],\"m\":\"");

    public static int Length => Head.Length + TagDigits + 2;

    public static byte[] Create(int publisher, int sequence, long timestamp)
    {
        var bytes = new byte[Length];
        Head.CopyTo(bytes, 0);
        var tag = bytes.AsSpan(Head.Length, TagDigits);
        Write(tag[..PublisherDigits], publisher);
        Write(tag.Slice(PublisherDigits, SequenceDigits), sequence);
        Write(tag[(PublisherDigits + SequenceDigits)..], timestamp);
        bytes[^2] = (byte)'"';
        bytes[^1] = (byte)'}';
        return bytes;
    }

    public static bool TryRead(in ReadOnlySequence<byte> payload, out int publisher, out int sequence, out long timestamp)
    {
        publisher = sequence = 0;
        timestamp = 0;
        if (payload.Length != Length)
        {
            return false;
        }

        Span<byte> tag = stackalloc byte[TagDigits];
        payload.Slice(Head.Length, TagDigits).CopyTo(tag);
        return Utf8Parser.TryParse(tag[..PublisherDigits], out publisher, out _)
            && Utf8Parser.TryParse(tag.Slice(PublisherDigits, SequenceDigits), out sequence, out _)
            && Utf8Parser.TryParse(tag[(PublisherDigits + SequenceDigits)..], out timestamp, out _);
    }

    private static void Write(Span<byte> digits, long value)
    {
        for (int i = digits.Length - 1; i >= 0; i--)
        {
            digits[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
