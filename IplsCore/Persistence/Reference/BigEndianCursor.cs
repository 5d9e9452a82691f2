using System.Buffers.Binary;

namespace IplsCore.Persistence.Reference;

/// <summary>
/// Reads the big-endian values of Java's DataOutput from an in-memory copy of a reference file.
/// Every failure is a one-line <see cref="ModelFormatException"/> naming the source, so callers never
/// see EndOfStreamException or IndexOutOfRangeException.
/// </summary>
internal sealed class BigEndianCursor
{
    private readonly byte[] _data;
    private readonly string _sourceName;
    private readonly string _formatName;
    private int _position;

    private BigEndianCursor(byte[] data, string sourceName, string formatName)
    {
        _data = data;
        _sourceName = sourceName;
        _formatName = formatName;
    }

    /// <summary>Decodes one element from exactly its encoded bytes.</summary>
    public delegate T ElementDecoder<out T>(ReadOnlySpan<byte> bytes);

    public int Position => _position;

    public int Remaining => _data.Length - _position;

    public ReadOnlySpan<byte> Data => _data;

    /// <summary>
    /// Copies the whole stream into memory (reference files are small) so truncation is detected
    /// up front by length checks instead of by half-read values.
    /// </summary>
    public static BigEndianCursor FromStream(Stream stream, string sourceName, string formatName, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek && stream.Length - stream.Position > maxBytes)
        {
            throw new ModelFormatException($"{sourceName}: {formatName} is larger than the {maxBytes}-byte limit");
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new ModelFormatException($"{sourceName}: {formatName} is larger than the {maxBytes}-byte limit");
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            throw new ModelFormatException($"{sourceName}: {formatName} is empty (0 bytes)");
        }

        return new BigEndianCursor(buffer.ToArray(), sourceName, formatName);
    }

    public ModelFormatException Error(string problem) => new($"{_sourceName}: {problem}");

    public ModelFormatException Truncated(int size, string what, int at) =>
        Error($"truncated {_formatName} at byte {at} (expected {size}-byte {what})");

    public byte PeekByte(string what)
    {
        Require(1, what);
        return _data[_position];
    }

    public byte ReadByte(string what) => Take(1, what)[0];

    public bool ReadBoolean(string what)
    {
        int at = _position;
        byte value = ReadByte(what);
        return value switch
        {
            0 => false,
            1 => true,
            _ => throw Error($"invalid boolean byte 0x{value:X2} for {what} at byte {at}"),
        };
    }

    public short ReadInt16(string what) => BinaryPrimitives.ReadInt16BigEndian(Take(2, what));

    public ushort ReadUInt16(string what) => BinaryPrimitives.ReadUInt16BigEndian(Take(2, what));

    public int ReadInt32(string what) => BinaryPrimitives.ReadInt32BigEndian(Take(4, what));

    public long ReadInt64(string what) => BinaryPrimitives.ReadInt64BigEndian(Take(8, what));

    public float ReadSingle(string what) => BinaryPrimitives.ReadSingleBigEndian(Take(4, what));

    public double ReadDouble(string what) => BinaryPrimitives.ReadDoubleBigEndian(Take(8, what));

    public ReadOnlySpan<byte> ReadBytes(int count, string what) => Take(count, what);

    /// <summary>
    /// Reads <paramref name="count"/> fixed-size elements. The length is checked before allocating, so a
    /// corrupt count cannot make us allocate gigabytes; the error names the first missing element.
    /// </summary>
    public T[] ReadArray<T>(int count, int size, string elementName, ElementDecoder<T> decode)
    {
        if (count < 0)
        {
            throw Error($"negative {elementName} count {count} at byte {_position}");
        }

        if ((long)count * size > Remaining)
        {
            int complete = Remaining / size;
            throw Truncated(size, $"{elementName} #{complete + 1} of {count}", _position + (complete * size));
        }

        var values = new T[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = decode(_data.AsSpan(_position, size));
            _position += size;
        }

        return values;
    }

    /// <summary>Reads a Java modified-UTF-8 string with its unsigned 16-bit length prefix (DataOutput.writeUTF).</summary>
    public string ReadModifiedUtf8(string what)
    {
        int length = ReadUInt16($"length of {what}");
        int at = _position;
        ReadOnlySpan<byte> bytes = Take(length, what);
        return DecodeModifiedUtf8(bytes, what, at);
    }

    /// <summary>Decodes Java's modified UTF-8: 1-3 byte forms only, NUL as C0 80, supplementary characters as surrogate pairs.</summary>
    public string DecodeModifiedUtf8(ReadOnlySpan<byte> bytes, string what, int at)
    {
        var chars = new char[bytes.Length];
        int count = 0;
        int i = 0;
        while (i < bytes.Length)
        {
            int b = bytes[i];
            if (b < 0x80)
            {
                chars[count++] = (char)b;
                i += 1;
            }
            else if ((b & 0xE0) == 0xC0 && i + 1 < bytes.Length && IsContinuation(bytes[i + 1]))
            {
                chars[count++] = (char)(((b & 0x1F) << 6) | (bytes[i + 1] & 0x3F));
                i += 2;
            }
            else if ((b & 0xF0) == 0xE0 && i + 2 < bytes.Length && IsContinuation(bytes[i + 1]) && IsContinuation(bytes[i + 2]))
            {
                chars[count++] = (char)(((b & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F));
                i += 3;
            }
            else
            {
                throw Error($"invalid modified UTF-8 in {what} at byte {at + i}");
            }
        }

        return new string(chars, 0, count);
    }

    public void RequireEnd(string what)
    {
        if (Remaining > 0)
        {
            throw Error($"unexpected {Remaining} trailing bytes at byte {_position} after {what}");
        }
    }

    private static bool IsContinuation(byte b) => (b & 0xC0) == 0x80;

    private void Require(int count, string what)
    {
        if (count > Remaining)
        {
            throw Truncated(count, what, _position);
        }
    }

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        Require(count, what);
        var span = new ReadOnlySpan<byte>(_data, _position, count);
        _position += count;
        return span;
    }
}
