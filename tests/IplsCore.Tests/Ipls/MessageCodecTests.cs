using IplsCore.Ipls;
using IplsCore.Ipls.Wire;

namespace IplsCore.Tests.Ipls;

public class MessageCodecTests
{
    private const string Topic = "ipls/test/delta/3";
    private static readonly MessageCodec Codec = MessageCodec.FromToken("fleet-secret-for-tests");

    public static TheoryData<MessageBody> Bodies => new()
    {
        new HeartbeatBody(12, 5844, [1, 2, 3, 4, 5, 6, 7, 8], true),
        new LeaveBody(),
        new DeltaBody(3, 41, 33, 7, [0.5f, -1.25f, 3e-7f]),
        new PartitionUpdateBody(3, 42, [1UL, ulong.MaxValue], [1f, 2f, 3f]),
        new StateRequestBody(long.MaxValue),
        new StateOfferBody(9, "bafy-or-sha", new byte[32], [4, 5]),
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void EncodeThenDecode_RoundTripsEveryMessageType(MessageBody body)
    {
        var header = new MessageHeader(body.Type, "peer-1", PeerRole.Peer, 1700000000123, 77, 1700000001000);

        var bytes = Codec.Encode(Topic, header, body);
        bool ok = Codec.TryDecode(Topic, bytes, out var message, out var reason, out _);

        Assert.True(ok, reason.ToString());
        Assert.Equal(header, message!.Header);
        Assert.Equal(body.GetType(), message.Body.GetType());
        Assert.Equal(Describe(body), Describe(message.Body));
        Assert.Equal(MessageCodec.ProtocolVersion, bytes[0]);
    }

    [Fact]
    public void Decode_WithAnotherFleetSecret_IsBadSignature()
    {
        var bytes = Encode(new LeaveBody());
        var other = MessageCodec.FromToken("some-other-fleet-secret");

        Assert.False(other.TryDecode(Topic, bytes, out _, out var reason, out _));
        Assert.Equal(RejectReason.BadSignature, reason);
    }

    [Fact]
    public void Decode_OnAnotherTopic_IsBadSignature()
    {
        var bytes = Encode(new DeltaBody(3, 1, 1, 1, [1f]));

        Assert.False(Codec.TryDecode("ipls/test/delta/4", bytes, out _, out var reason, out _));
        Assert.Equal(RejectReason.BadSignature, reason);
    }

    [Fact]
    public void Decode_AnyFlippedBit_IsRejected()
    {
        var bytes = Encode(new DeltaBody(3, 1, 33, 2, [1f, 2f, 3f, 4f]));

        for (int i = 0; i < bytes.Length; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x01;
            Assert.False(Codec.TryDecode(Topic, copy, out _, out var reason, out _), $"byte {i}");
            Assert.NotEqual(RejectReason.None, reason);
        }
    }

    [Fact]
    public void Decode_EveryTruncation_IsRejectedWithoutThrowing()
    {
        var bytes = Encode(new PartitionUpdateBody(1, 2, [3UL], [1f, 2f]));

        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.False(Codec.TryDecode(Topic, bytes.AsSpan(0, length), out _, out _, out _));
        }
    }

    [Fact]
    public void Decode_UnknownVersion_SaysSo()
    {
        var bytes = Encode(new LeaveBody());
        bytes[0] = 9;

        Assert.False(Codec.TryDecode(Topic, bytes, out _, out var reason, out var detail));
        Assert.Equal(RejectReason.UnsupportedVersion, reason);
        Assert.Contains("9", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RandomGarbage_NeverThrows()
    {
        var random = new Random(1);
        for (int i = 0; i < 2000; i++)
        {
            var garbage = new byte[random.Next(0, 300)];
            random.NextBytes(garbage);
            Assert.False(Codec.TryDecode(Topic, garbage, out _, out _, out _));
        }
    }

    [Fact]
    public void Encode_FloatPayload_IsCompact()
    {
        var bytes = Encode(new DeltaBody(3, 1, 33, 2, new float[731]));

        // 731 float32 values plus a header of well under 100 bytes.
        Assert.InRange(bytes.Length, 731 * 4, (731 * 4) + 100);
    }

    [Fact]
    public void Constructor_ShortSecret_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => MessageCodec.FromToken("short"));
    }

    private static byte[] Encode(MessageBody body) =>
        Codec.Encode(Topic, new MessageHeader(body.Type, "peer-1", PeerRole.Peer, 1, 1, 0), body);

    private static string Describe(MessageBody body) => body switch
    {
        HeartbeatBody h => $"{h.RoundsCompleted}/{h.ParameterCount}/{string.Join(',', h.PartitionVersions)}/{h.HasModel}",
        DeltaBody d => $"{d.Partition}/{d.BaseVersion}/{d.Samples}/{d.Round}/{string.Join(',', d.Delta)}",
        PartitionUpdateBody u => $"{u.Partition}/{u.Version}/{string.Join(',', u.Contributions)}/{string.Join(',', u.Values)}",
        StateRequestBody r => $"{r.Nonce}",
        StateOfferBody o => $"{o.Nonce}/{o.ContentId}/{Convert.ToHexString(o.Sha256)}/{string.Join(',', o.PartitionVersions)}",
        _ => body.Type.ToString(),
    };
}
