using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace IplsCore.Ipls.Wire;

/// <summary>Reads little-endian fields; every read reports failure instead of throwing on short input.</summary>
internal ref struct WireReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly int Remaining => _data.Length - _position;

    public bool U8(out byte value)
    {
        value = 0;
        if (Remaining < 1)
        {
            return false;
        }

        value = _data[_position++];
        return true;
    }

    public bool U16(out int value)
    {
        value = 0;
        if (Remaining < 2)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt16LittleEndian(_data[_position..]);
        _position += 2;
        return true;
    }

    public bool I32(out int value)
    {
        value = 0;
        if (Remaining < 4)
        {
            return false;
        }

        value = BinaryPrimitives.ReadInt32LittleEndian(_data[_position..]);
        _position += 4;
        return true;
    }

    public bool I64(out long value)
    {
        value = 0;
        if (Remaining < 8)
        {
            return false;
        }

        value = BinaryPrimitives.ReadInt64LittleEndian(_data[_position..]);
        _position += 8;
        return true;
    }

    public bool U64(out ulong value)
    {
        value = 0;
        if (Remaining < 8)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt64LittleEndian(_data[_position..]);
        _position += 8;
        return true;
    }

    public bool ShortString(out string value)
    {
        value = string.Empty;
        if (!U8(out byte length) || Remaining < length)
        {
            return false;
        }

        try
        {
            value = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(_data.Slice(_position, length));
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        _position += length;
        return true;
    }

    public bool Bytes(int count, out byte[] value)
    {
        value = [];
        if (count < 0 || Remaining < count)
        {
            return false;
        }

        value = _data.Slice(_position, count).ToArray();
        _position += count;
        return true;
    }

    public bool Floats(int maxCount, out float[] values)
    {
        values = [];
        if (!I32(out int count) || count < 0 || count > maxCount || Remaining < count * 4L)
        {
            return false;
        }

        values = new float[count];
        var source = _data.Slice(_position, count * 4);
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * 4)..]);
            }
        }

        _position += count * 4;
        return true;
    }

    public bool Longs(int maxCount, out long[] values)
    {
        values = [];
        if (!U16(out int count) || count > maxCount || Remaining < count * 8L)
        {
            return false;
        }

        values = new long[count];
        for (int i = 0; i < count; i++)
        {
            I64(out values[i]);
        }

        return true;
    }
}
