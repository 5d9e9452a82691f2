using System.Buffers;
using System.Security.Cryptography;

namespace IplsCore.Transport.Kubo;

/// <summary>
/// The CID Kubo's <c>block/put</c> gives a block by default: CIDv1, codec raw (0x55), multihash
/// sha2-256, written in base32 (<c>bafkrei…</c>). Computing it here lets the transport check what
/// the daemon stored and verify every block it fetches, without trusting the daemon or the network.
/// </summary>
internal static class RawBlockCid
{
    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private static readonly SearchValues<char> Base32Chars = SearchValues.Create(Base32Alphabet);

    // CIDv1, raw codec, sha2-256 multihash of 32 bytes.
    private static ReadOnlySpan<byte> Prefix => [0x01, 0x55, 0x12, 0x20];

    /// <summary>"b" + base32 of the 36 CID bytes: 59 characters.</summary>
    public const int Length = 59;

    public static string Compute(ReadOnlySpan<byte> block)
    {
        Span<byte> cid = stackalloc byte[36];
        Prefix.CopyTo(cid);
        SHA256.HashData(block, cid[4..]);
        return "b" + Base32(cid);
    }

    /// <summary>Whether <paramref name="cid"/> is a raw sha2-256 CIDv1 in base32: the only kind this transport makes and can verify.</summary>
    public static bool IsWellFormed(string? cid) =>
        cid is { Length: Length } && cid.StartsWith("bafkrei", StringComparison.Ordinal) && !cid.AsSpan(1).ContainsAnyExcept(Base32Chars);

    public static bool Matches(string cid, ReadOnlySpan<byte> block) => string.Equals(Compute(block), cid, StringComparison.Ordinal);

    private static string Base32(ReadOnlySpan<byte> bytes)
    {
        var text = new char[((bytes.Length * 8) + 4) / 5];
        int bits = 0;
        int buffer = 0;
        int index = 0;
        foreach (byte b in bytes)
        {
            buffer = ((buffer << 8) | b) & 0xFFFFF; // at most 12 pending bits plus the new 8
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                text[index++] = Base32Alphabet[(buffer >> bits) & 31];
            }
        }

        if (bits > 0)
        {
            text[index++] = Base32Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(text, 0, index);
    }
}
