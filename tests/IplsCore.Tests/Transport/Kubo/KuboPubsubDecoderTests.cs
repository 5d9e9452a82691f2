using System.Text;
using IplsCore.Transport.Kubo;

namespace IplsCore.Tests.Transport.Kubo;

public sealed class KuboPubsubDecoderTests
{
    private static KuboDecodedLine Decode(string line, int max = 1024) =>
        KuboPubsubDecoder.Decode(Encoding.UTF8.GetBytes(line), KuboFixtures.TopicFlRound, KuboFixtures.PeerA, max);

    [Fact]
    public void TheFixtureStream_GivesBsMessage_AndMarksOurOwn()
    {
        string[] lines = KuboFixtures.Sub1.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var fromB = Decode(lines[0]);
        var own = Decode(lines[1]);

        Assert.Equal(KuboLineKind.Message, fromB.Kind);
        Assert.Equal(KuboFixtures.Msg, Encoding.UTF8.GetString(fromB.Payload));
        Assert.Equal(KuboLineKind.Own, own.Kind);
    }

    [Fact]
    public void AnEmptyPayload_HasNoDataKey_AndIsAnEmptyMessage()
    {
        var empty = Decode("""{"from":"12D3KooWFtRXeVYo5VixuXeNuPSFYfQVbFoZXzuM2ksrguqJ6Kkk","seqno":"uGKKzxNXm9wM","topicIDs":["uZmwvcm91bmQ"]}""");

        Assert.Equal(KuboLineKind.Message, empty.Kind);
        Assert.Empty(empty.Payload);
    }

    [Theory]
    [InlineData("not json", "not a JSON object")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("null", "not a JSON object")]
    [InlineData("""{"from":"B","data":"mZm9v","topicIDs":["uZmwvcm91bmQ"]}""", "data is not multibase")]
    [InlineData("""{"from":"B","data":"u!!!!","topicIDs":["uZmwvcm91bmQ"]}""", "data is not multibase")]
    [InlineData("""{"from":"B","data":"uaGVsbG8","topicIDs":["uZmwtbW9kZWxz"]}""", "topicIDs do not name")]
    [InlineData("""{"from":"B","data":"aGVsbG8=","topicIDs":["fl/round"]}""", "topicIDs do not name")] // pre-0.11 format
    [InlineData("""{"from":42}""", "not a JSON object")]
    public void BadLines_AreMalformed_WithAReason(string line, string reason)
    {
        var decoded = Decode(line);

        Assert.Equal(KuboLineKind.Malformed, decoded.Kind);
        Assert.Contains(reason, decoded.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LinesWithoutSender_AreSkipped_AndHugeDataIsOversized()
    {
        Assert.Equal(KuboLineKind.Skipped, Decode("{}").Kind);
        Assert.Equal(KuboLineKind.Oversized, Decode($"{{\"from\":\"B\",\"data\":\"{KuboFixtures.Multibase(new byte[2000])}\"}}", max: 1024).Kind);
    }
}
