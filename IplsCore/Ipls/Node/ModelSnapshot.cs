using System.Buffers.Binary;
using System.Runtime.InteropServices;
using IplsCore.Engine;

namespace IplsCore.Ipls.Node;

/// <summary>
/// The full model with its partition versions, as moved by state transfer (content-addressed, so
/// it may exceed one message). Layout, little-endian: "IPLSSNAP", u16 P, P × i64 versions,
/// i32 N, N × float32.
/// </summary>
public static class ModelSnapshot
{
    private static ReadOnlySpan<byte> Magic => "IPLSSNAP"u8;

    public static byte[] Encode(ReadOnlySpan<float> model, ReadOnlySpan<long> versions)
    {
        var bytes = new byte[8 + 2 + (8 * versions.Length) + 4 + (4 * model.Length)];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], checked((ushort)versions.Length));
        int at = 10;
        foreach (long version in versions)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], version);
            at += 8;
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[at..], model.Length);
        at += 4;
        for (int i = 0; i < model.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(span[(at + (4 * i))..], model[i]);
        }

        return bytes;
    }

    /// <summary>Parses and validates a snapshot for a model of <paramref name="parameterCount"/> values in <paramref name="partitions"/> partitions.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, int parameterCount, int partitions, out float[] model, out long[] versions)
    {
        model = [];
        versions = [];
        int expected = 8 + 2 + (8 * partitions) + 4 + (4 * parameterCount);
        if (bytes.Length != expected || !bytes.StartsWith(Magic) || BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]) != partitions)
        {
            return false;
        }

        int at = 10;
        versions = new long[partitions];
        for (int p = 0; p < partitions; p++)
        {
            versions[p] = BinaryPrimitives.ReadInt64LittleEndian(bytes[at..]);
            at += 8;
        }

        if (BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]) != parameterCount)
        {
            return false;
        }

        at += 4;
        model = new float[parameterCount];
        if (BitConverter.IsLittleEndian)
        {
            bytes.Slice(at, 4 * parameterCount).CopyTo(MemoryMarshal.AsBytes(model.AsSpan()));
        }
        else
        {
            for (int i = 0; i < parameterCount; i++)
            {
                model[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(at + (4 * i))..]);
            }
        }

        return FiniteCheck.AllFinite(model);
    }
}
