using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace IplsCore.Ipls.Node;

/// <summary>Identifies one delta (sender, incarnation, round, partition) compactly in partition updates.</summary>
public static class ContributionId
{
    public static ulong Of(string sender, long incarnation, int round, int partition)
    {
        Span<byte> input = stackalloc byte[PeerIdRules.MaxLength * 3 + 16];
        int length = Encoding.UTF8.GetBytes(sender, input);
        BinaryPrimitives.WriteInt64LittleEndian(input[length..], incarnation);
        BinaryPrimitives.WriteInt32LittleEndian(input[(length + 8)..], round);
        BinaryPrimitives.WriteInt32LittleEndian(input[(length + 12)..], partition);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input[..(length + 16)], hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }
}
