using System.Security.Cryptography;
using System.Text;

namespace IplsCore.Ipls.Wire;

/// <summary>
/// Compact binary encoding of protocol messages, authenticated with HMAC-SHA256 under a key derived
/// from the fleet secret. Layout (little-endian):
/// <code>
///   u8 protocol version (1) | u8 type | u16 reserved (0)
///   u8 sender length, sender (UTF-8, [A-Za-z0-9._-]) | u8 role
///   i64 incarnation | i64 sequence | i64 sent-at (unix ms)
///   body (per type, see the Write* methods)
///   32-byte HMAC-SHA256(key, topic ‖ 0x00 ‖ every byte above)
/// </code>
/// The topic is inside the MAC so a message cannot be replayed onto another topic.
/// </summary>
public sealed class MessageCodec
{
    public const byte ProtocolVersion = 1;

    /// <summary>Largest vector accepted in one message; a partition of a large model fits, a corrupt length does not.</summary>
    public const int MaxVectorLength = 1 << 18;

    /// <summary>Largest partition count a version vector may list.</summary>
    public const int MaxPartitions = 4096;

    private const int MacSize = 32;
    private const int MinimumSize = 4 + 2 + 1 + 24 + MacSize;
    private static readonly byte[] KeyInfo = "ipls/v1/message-hmac"u8.ToArray();
    private readonly byte[] _key;

    /// <summary>Derives the message key from the fleet secret with HKDF-SHA256.</summary>
    public MessageCodec(ReadOnlySpan<byte> fleetSecret)
    {
        if (fleetSecret.Length < 16)
        {
            throw new ArgumentException("The fleet secret must be at least 16 bytes.", nameof(fleetSecret));
        }

        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, fleetSecret.ToArray(), 32, salt: [], info: KeyInfo);
    }

    public static MessageCodec FromToken(string fleetToken)
    {
        ArgumentNullException.ThrowIfNull(fleetToken);
        return new MessageCodec(Encoding.UTF8.GetBytes(fleetToken));
    }

    public byte[] Encode(string topic, MessageHeader header, MessageBody body)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(body);
        if (header.Type != body.Type)
        {
            throw new ArgumentException($"Header type {header.Type} does not match body type {body.Type}.", nameof(header));
        }

        PeerIdRules.Validate(header.Sender);
        var writer = new WireWriter(EstimateSize(body));
        writer.U8(ProtocolVersion);
        writer.U8((byte)header.Type);
        writer.U16(0);
        writer.ShortString(header.Sender);
        writer.U8((byte)header.Role);
        writer.I64(header.Incarnation);
        writer.I64(header.Sequence);
        writer.I64(header.SentAtUnixMs);
        WriteBody(writer, body);
        int signed = writer.Length;
        var mac = writer.Take(MacSize);
        ComputeMac(topic, writer.Written[..signed], mac);
        return writer.ToArray();
    }

    /// <summary>
    /// Authenticates and parses a message. On failure returns false with the reason and a short
    /// human-readable detail; nothing about a rejected message is trusted, the sender included.
    /// </summary>
    public bool TryDecode(string topic, ReadOnlySpan<byte> data, out MessageEnvelope? message, out RejectReason reason, out string detail)
    {
        message = null;
        reason = RejectReason.Malformed;
        detail = string.Empty;
        if (data.Length < MinimumSize)
        {
            detail = $"{data.Length} bytes is shorter than any message";
            return false;
        }

        if (data[0] != ProtocolVersion)
        {
            reason = RejectReason.UnsupportedVersion;
            detail = $"protocol version {data[0]}, expected {ProtocolVersion}";
            return false;
        }

        Span<byte> expected = stackalloc byte[MacSize];
        ComputeMac(topic, data[..^MacSize], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, data[^MacSize..]))
        {
            reason = RejectReason.BadSignature;
            detail = "HMAC does not verify (forged, corrupted, or another fleet's secret)";
            return false;
        }

        var reader = new WireReader(data[..^MacSize]);
        reader.U8(out _);
        reader.U8(out byte type);
        reader.U16(out _);
        if (!reader.ShortString(out string sender) || !PeerIdRules.IsValid(sender)
            || !reader.U8(out byte role) || role > (byte)PeerRole.Bootstrapper
            || !reader.I64(out long incarnation) || !reader.I64(out long sequence) || !reader.I64(out long sentAt))
        {
            detail = "bad header";
            return false;
        }

        MessageBody? body = (MessageType)type switch
        {
            MessageType.Heartbeat => ReadHeartbeat(ref reader),
            MessageType.Leave => new LeaveBody(),
            MessageType.Delta => ReadDelta(ref reader),
            MessageType.PartitionUpdate => ReadPartitionUpdate(ref reader),
            MessageType.StateRequest => reader.I64(out long nonce) ? new StateRequestBody(nonce) : null,
            MessageType.StateOffer => ReadStateOffer(ref reader),
            _ => null,
        };
        if (body is null)
        {
            detail = Enum.IsDefined((MessageType)type) ? $"bad {(MessageType)type} body" : $"unknown message type {type}";
            return false;
        }

        if (reader.Remaining != 0)
        {
            detail = $"{reader.Remaining} trailing bytes";
            return false;
        }

        message = new MessageEnvelope(new MessageHeader((MessageType)type, sender, (PeerRole)role, incarnation, sequence, sentAt), body);
        reason = RejectReason.None;
        return true;
    }

    private static int EstimateSize(MessageBody body) => body switch
    {
        DeltaBody d => 128 + (d.Delta.Length * 4),
        PartitionUpdateBody u => 128 + (u.Values.Length * 4) + (u.Contributions.Length * 8),
        HeartbeatBody h => 128 + (h.PartitionVersions.Length * 8),
        StateOfferBody o => 256 + (o.PartitionVersions.Length * 8),
        _ => 128,
    };

    private static void WriteBody(WireWriter writer, MessageBody body)
    {
        switch (body)
        {
            case HeartbeatBody h:
                writer.I32(h.RoundsCompleted);
                writer.I32(h.ParameterCount);
                writer.U8(h.HasModel ? (byte)1 : (byte)0);
                writer.Longs(h.PartitionVersions);
                break;
            case LeaveBody:
                break;
            case DeltaBody d:
                writer.U16(d.Partition);
                writer.I64(d.BaseVersion);
                writer.I32(d.Samples);
                writer.I32(d.Round);
                writer.Floats(d.Delta);
                break;
            case PartitionUpdateBody u:
                writer.U16(u.Partition);
                writer.I64(u.Version);
                writer.U16(u.Contributions.Length);
                foreach (ulong id in u.Contributions)
                {
                    writer.U64(id);
                }

                writer.Floats(u.Values);
                break;
            case StateRequestBody r:
                writer.I64(r.Nonce);
                break;
            case StateOfferBody o:
                if (o.Sha256.Length != 32)
                {
                    throw new ArgumentException("A state offer carries a 32-byte SHA-256.", nameof(body));
                }

                writer.I64(o.Nonce);
                writer.ShortString(o.ContentId);
                writer.Bytes(o.Sha256);
                writer.Longs(o.PartitionVersions);
                break;
            default:
                throw new ArgumentException($"Unknown body {body.GetType().Name}.", nameof(body));
        }
    }

    private static HeartbeatBody? ReadHeartbeat(ref WireReader reader) =>
        reader.I32(out int rounds) && reader.I32(out int count) && reader.U8(out byte hasModel) && hasModel <= 1
        && reader.Longs(MaxPartitions, out long[] versions)
            ? new HeartbeatBody(rounds, count, versions, hasModel == 1)
            : null;

    private static DeltaBody? ReadDelta(ref WireReader reader) =>
        reader.U16(out int partition) && reader.I64(out long baseVersion) && reader.I32(out int samples)
        && reader.I32(out int round) && reader.Floats(MaxVectorLength, out float[] delta)
            ? new DeltaBody(partition, baseVersion, samples, round, delta)
            : null;

    private static PartitionUpdateBody? ReadPartitionUpdate(ref WireReader reader)
    {
        if (!reader.U16(out int partition) || !reader.I64(out long version) || !reader.U16(out int count) || reader.Remaining < count * 8L)
        {
            return null;
        }

        var contributions = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            reader.U64(out contributions[i]);
        }

        return reader.Floats(MaxVectorLength, out float[] values) ? new PartitionUpdateBody(partition, version, contributions, values) : null;
    }

    private static StateOfferBody? ReadStateOffer(ref WireReader reader) =>
        reader.I64(out long nonce) && reader.ShortString(out string contentId) && contentId.Length > 0
        && reader.Bytes(32, out byte[] sha) && reader.Longs(MaxPartitions, out long[] versions)
            ? new StateOfferBody(nonce, contentId, sha, versions)
            : null;

    private void ComputeMac(string topic, ReadOnlySpan<byte> message, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(Encoding.UTF8.GetBytes(topic));
        hmac.AppendData([0]);
        hmac.AppendData(message);
        hmac.GetHashAndReset(destination);
    }
}
