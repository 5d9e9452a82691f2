using System.Buffers.Binary;
using System.Security.Cryptography;
using IplsCore.Engine;
using IplsCore.Scaling;

namespace IplsCore.Persistence;

/// <summary>
/// Our model file format (".iplsm"), little-endian:
/// <code>
///   8  magic "IPLSMODL"
///   2  format version (1)
///   2  flags (bit 0: a scaler follows the parameters)
///   2  layer count L (2..64)
///   2  reserved (0)
///   4L layer sizes
///   4  parameter count N (must match the sizes)
///   4  scaler feature count F (0 without scaler)
///   4N float32 parameters, DL4J layout (see LayerLayout)
///   4F float32 scaler min, then 4F float32 scaler max
///   32 SHA-256 of every byte before it
/// </code>
/// The checksum catches truncated or corrupted checkpoints; files are written atomically.
/// </summary>
public static class ModelFile
{
    public const ushort FormatVersion = 1;

    private const int HeaderSize = 16;
    private const int ChecksumSize = 32;
    private const int MaxLayers = 64;
    private const ushort ScalerFlag = 1;

    // A sane upper bound so a corrupt header cannot make us allocate gigabytes.
    private const int MaxFileBytes = 64 * 1024 * 1024;

    private static ReadOnlySpan<byte> Magic => "IPLSMODL"u8;

    /// <summary>True when <paramref name="header"/> starts with our magic.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> header) => header.StartsWith(Magic);

    public static byte[] Serialize(DenseNetwork network, MinMaxScaler? scaler)
    {
        ArgumentNullException.ThrowIfNull(network);
        var shape = network.Shape;
        if (scaler is not null && scaler.Features != shape.InputSize)
        {
            throw new ArgumentException($"The scaler has {scaler.Features} features but the network takes {shape.InputSize}.", nameof(scaler));
        }

        FiniteCheck.ThrowIfNonFinite(network.Parameters, "model parameters");
        int features = scaler?.Features ?? 0;
        int length = HeaderSize + (4 * shape.Sizes.Length) + 8 + (4 * shape.ParameterCount) + (8 * features) + ChecksumSize;
        var bytes = new byte[length];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(span[10..], scaler is null ? (ushort)0 : ScalerFlag);
        BinaryPrimitives.WriteUInt16LittleEndian(span[12..], (ushort)shape.Sizes.Length);
        int at = HeaderSize;
        foreach (int size in shape.Sizes)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], size);
            at += 4;
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[at..], shape.ParameterCount);
        BinaryPrimitives.WriteInt32LittleEndian(span[(at + 4)..], features);
        at += 8;
        at = WriteFloats(span, at, network.Parameters);
        if (scaler is not null)
        {
            at = WriteFloats(span, at, scaler.Min);
            at = WriteFloats(span, at, scaler.Max);
        }

        SHA256.HashData(span[..at], span[at..]);
        return bytes;
    }

    public static void Write(Stream stream, DenseNetwork network, MinMaxScaler? scaler)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Serialize(network, scaler));
    }

    /// <summary>Writes atomically (temp file + rename), so a crash never leaves a torn checkpoint.</summary>
    public static void WriteFile(string path, DenseNetwork network, MinMaxScaler? scaler)
    {
        byte[] bytes = Serialize(network, scaler);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    public static StoredModel ReadFile(string path)
    {
        using var stream = InputFile.OpenRead(path);
        return Read(stream, Path.GetFileName(path));
    }

    public static StoredModel Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var memory = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (memory.Length + read > MaxFileBytes)
            {
                throw new ModelFormatException($"{sourceName}: larger than {MaxFileBytes / (1024 * 1024)} MiB, not a model file");
            }

            memory.Write(buffer, 0, read);
        }

        return Deserialize(memory.GetBuffer().AsSpan(0, (int)memory.Length), sourceName);
    }

    public static StoredModel Deserialize(ReadOnlySpan<byte> bytes, string sourceName)
    {
        if (bytes.Length < HeaderSize || !HasMagic(bytes))
        {
            throw new ModelFormatException($"{sourceName}: not an IPLS model file (bad magic)");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
        if (version != FormatVersion)
        {
            throw new ModelFormatException($"{sourceName}: model format version {version} is not supported (this build reads version {FormatVersion})");
        }

        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(bytes[10..]);
        int layers = BinaryPrimitives.ReadUInt16LittleEndian(bytes[12..]);
        if (layers is < 2 or > MaxLayers)
        {
            throw new ModelFormatException($"{sourceName}: layer count {layers} is out of range 2..{MaxLayers}");
        }

        int at = HeaderSize;
        Require(bytes, at + (4 * layers) + 8, sourceName, "layer sizes");
        var sizes = new int[layers];
        for (int l = 0; l < layers; l++)
        {
            sizes[l] = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
            at += 4;
        }

        NetworkShape shape;
        try
        {
            shape = NetworkShape.Create(sizes);
        }
        catch (ArgumentException ex)
        {
            throw new ModelFormatException($"{sourceName}: invalid layer sizes {string.Join('-', sizes)} ({ex.Message})", ex);
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
        int features = BinaryPrimitives.ReadInt32LittleEndian(bytes[(at + 4)..]);
        at += 8;
        if (count != shape.ParameterCount)
        {
            throw new ModelFormatException($"{sourceName}: header says {count} parameters but a {shape} network has {shape.ParameterCount}");
        }

        bool hasScaler = (flags & ScalerFlag) != 0;
        if (hasScaler ? features != shape.InputSize : features != 0)
        {
            throw new ModelFormatException($"{sourceName}: scaler feature count {features} does not fit a {shape} network");
        }

        int payloadEnd = at + (4 * count) + (8 * features);
        Require(bytes, payloadEnd + ChecksumSize, sourceName, "parameters and checksum");
        if (bytes.Length != payloadEnd + ChecksumSize)
        {
            throw new ModelFormatException($"{sourceName}: {bytes.Length - payloadEnd - ChecksumSize} unexpected bytes after the checksum");
        }

        Span<byte> hash = stackalloc byte[ChecksumSize];
        SHA256.HashData(bytes[..payloadEnd], hash);
        if (!hash.SequenceEqual(bytes.Slice(payloadEnd, ChecksumSize)))
        {
            throw new ModelFormatException($"{sourceName}: checksum mismatch, the file is corrupted");
        }

        var parameters = ReadFloats(bytes, ref at, count);
        int bad = FiniteCheck.IndexOfNonFinite(parameters);
        if (bad >= 0)
        {
            throw new ModelFormatException($"{sourceName}: parameter {bad} is not finite ({parameters[bad]})");
        }

        MinMaxScaler? scaler = null;
        if (hasScaler)
        {
            var min = ReadFloats(bytes, ref at, features);
            var max = ReadFloats(bytes, ref at, features);
            try
            {
                scaler = new MinMaxScaler(min, max);
            }
            catch (Exception ex) when (ex is ArgumentException or NonFiniteValueException)
            {
                throw new ModelFormatException($"{sourceName}: invalid scaler ({ex.Message})", ex);
            }
        }

        return new StoredModel(new DenseNetwork(shape, parameters), scaler);
    }

    private static void Require(ReadOnlySpan<byte> bytes, int needed, string sourceName, string what)
    {
        if (bytes.Length < needed)
        {
            throw new ModelFormatException($"{sourceName}: truncated ({bytes.Length} bytes; {what} need {needed})");
        }
    }

    private static int WriteFloats(Span<byte> span, int at, ReadOnlySpan<float> values)
    {
        foreach (float value in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(span[at..], value);
            at += 4;
        }

        return at;
    }

    private static float[] ReadFloats(ReadOnlySpan<byte> bytes, ref int at, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[at..]);
            at += 4;
        }

        return values;
    }
}
