using System.Buffers;
using System.Buffers.Binary;

namespace IplsCore.Tests.Persistence.Reference;

/// <summary>Writes values the way Java's DataOutputStream does (big-endian, modified UTF-8), for building fixtures.</summary>
internal sealed class BigEndianWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public BigEndianWriter Byte(byte value) => Bytes([value]);

    public BigEndianWriter Bytes(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    public BigEndianWriter Boolean(bool value) => Byte(value ? (byte)1 : (byte)0);

    public BigEndianWriter UInt16(ushort value)
    {
        Span<byte> buffer = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, value);
        return Bytes(buffer);
    }

    public BigEndianWriter Int32(int value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(buffer, value);
        return Bytes(buffer);
    }

    public BigEndianWriter Int64(long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(buffer, value);
        return Bytes(buffer);
    }

    public BigEndianWriter Single(float value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteSingleBigEndian(buffer, value);
        return Bytes(buffer);
    }

    public BigEndianWriter Double(double value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(buffer, value);
        return Bytes(buffer);
    }

    /// <summary>DataOutput.writeUTF: u16 byte length, then modified UTF-8 (NUL as C0 80, no 4-byte forms).</summary>
    public BigEndianWriter Utf(string text)
    {
        var encoded = new List<byte>();
        foreach (char c in text)
        {
            if (c is >= '\u0001' and <= '\u007F')
            {
                encoded.Add((byte)c);
            }
            else if (c <= '\u07FF')
            {
                encoded.Add((byte)(0xC0 | (c >> 6)));
                encoded.Add((byte)(0x80 | (c & 0x3F)));
            }
            else
            {
                encoded.Add((byte)(0xE0 | (c >> 12)));
                encoded.Add((byte)(0x80 | ((c >> 6) & 0x3F)));
                encoded.Add((byte)(0x80 | (c & 0x3F)));
            }
        }

        UInt16(checked((ushort)encoded.Count));
        return Bytes(encoded.ToArray());
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
