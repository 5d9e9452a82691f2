using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace IplsCore.Ipls.Membership;

/// <summary>
/// Chooses each partition's owners with rendezvous (highest-random-weight) hashing: every peer
/// ranks candidates by H(peer, partition) and takes the top R, so all peers agree without
/// negotiating, and a join or leave only moves the partitions where the changed peer ranks in the
/// top R. The first owner is the primary publisher; the rest are hot standbys.
/// </summary>
public static class RendezvousOwnership
{
    /// <summary>Owners of <paramref name="partition"/>, primary first. R is capped by the number of candidates.</summary>
    public static IReadOnlyList<string> Owners(IReadOnlyCollection<string> candidates, int partition, int replication)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfLessThan(replication, 1);
        var ranked = new List<(ulong Weight, string Peer)>(candidates.Count);
        foreach (string peer in candidates)
        {
            ranked.Add((Weight(peer, partition), peer));
        }

        // Highest weight first; the peer id breaks (astronomically unlikely) ties so all agree.
        ranked.Sort((a, b) => a.Weight != b.Weight ? b.Weight.CompareTo(a.Weight) : string.CompareOrdinal(a.Peer, b.Peer));
        int count = Math.Min(replication, ranked.Count);
        var owners = new string[count];
        for (int i = 0; i < count; i++)
        {
            owners[i] = ranked[i].Peer;
        }

        return owners;
    }

    /// <summary>A stable 64-bit weight from SHA-256, identical on every platform and runtime.</summary>
    public static ulong Weight(string peer, int partition)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.Length > PeerIdRules.MaxLength)
        {
            throw new ArgumentException($"Peer id longer than {PeerIdRules.MaxLength} characters.", nameof(peer));
        }

        Span<byte> input = stackalloc byte[Encoding.UTF8.GetMaxByteCount(peer.Length) + 4];
        int length = Encoding.UTF8.GetBytes(peer, input);
        BinaryPrimitives.WriteInt32LittleEndian(input[length..], partition);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input[..(length + 4)], hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }
}
