using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace IplsCore.Ipls.Wire;

/// <summary>Appends little-endian fields to a growing buffer.</summary>
internal sealed class WireWriter
{
    private byte[] _buffer;

    public WireWriter(int capacity) => _buffer = new byte[Math.Max(64, capacity)];

    public int Length { get; private set; }

    public Span<byte> Written => _buffer.AsSpan(0, Length);

    public void U8(byte value) => Take(1)[0] = value;

    public void U16(int value) => BinaryPrimitives.WriteUInt16LittleEndian(Take(2), checked((ushort)value));

    public void I32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);

    public void I64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

    public void U64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Take(8), value);

    public void ShortString(string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        if (count > byte.MaxValue)
        {
            throw new ArgumentException("String longer than 255 bytes.", nameof(value));
        }

        U8((byte)count);
        Encoding.UTF8.GetBytes(value, Take(count));
    }

    public void Bytes(ReadOnlySpan<byte> value) => value.CopyTo(Take(value.Length));

    public void Floats(ReadOnlySpan<float> values)
    {
        I32(values.Length);
        var target = Take(values.Length * 4);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(target);
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(target[(i * 4)..], values[i]);
            }
        }
    }

    public void Longs(ReadOnlySpan<long> values)
    {
        U16(values.Length);
        foreach (long value in values)
        {
            I64(value);
        }
    }

    public Span<byte> Take(int count)
    {
        if (Length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + count));
        }

        var span = _buffer.AsSpan(Length, count);
        Length += count;
        return span;
    }

    public byte[] ToArray() => _buffer.AsSpan(0, Length).ToArray();
}
