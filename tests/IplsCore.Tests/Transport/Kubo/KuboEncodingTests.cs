using System.Text;
using IplsCore.Configuration;
using IplsCore.Transport.Kubo;

namespace IplsCore.Tests.Transport.Kubo;

/// <summary>Multibase topics and fields, raw block CIDs and peer multiaddrs, checked against the contract's fixtures.</summary>
public sealed class KuboEncodingTests
{
    [Fact]
    public void Topics_AreUPlusBase64UrlWithoutPadding()
    {
        Assert.Equal(KuboFixtures.TopicFlRound, Multibase.EncodeTopic("fl/round"));
        Assert.Equal("uZmwtbW9kZWxz", Multibase.EncodeTopic("fl-models"));
        Assert.Equal("fl-models", Multibase.DecodeTopic("uZmwtbW9kZWxz"));
        // '?' and '>' encode to '/' and '+' in standard base64: base64url must say '_' and '-'.
        Assert.Equal(KuboFixtures.Multibase("a?b>c"), Multibase.EncodeTopic("a?b>c"));
        Assert.DoesNotContain('=', Multibase.EncodeTopic("ab"));
    }

    [Fact]
    public void Data_DecodesTheFixtureMessage_AndRefusesOtherBasesPaddingAndSize()
    {
        Assert.True(Multibase.TryDecode(KuboFixtures.Msg64, 1024, out byte[] msg, out _));
        Assert.Equal(KuboFixtures.Msg, Encoding.UTF8.GetString(msg));

        Assert.False(Multibase.TryDecode("mZm9vYmFy", 1024, out _, out bool tooLarge)); // 'm' = standard base64
        Assert.False(tooLarge);
        Assert.False(Multibase.TryDecode("uZm9vYg==", 1024, out _, out _));
        Assert.False(Multibase.TryDecode("u!!!!", 1024, out _, out _));
        Assert.False(Multibase.TryDecode(string.Empty, 1024, out _, out _));
        Assert.False(Multibase.TryDecode(KuboFixtures.Msg64, 10, out _, out tooLarge));
        Assert.True(tooLarge);
    }

    [Fact]
    public void RawBlockCid_IsKubosBlockPutCid_ForTheFixture()
    {
        Assert.Equal(KuboFixtures.Raw, RawBlockCid.Compute(KuboFixtures.HelloWorld));
        Assert.True(RawBlockCid.IsWellFormed(KuboFixtures.Raw));
        Assert.True(RawBlockCid.Matches(KuboFixtures.Raw, KuboFixtures.HelloWorld));
        Assert.False(RawBlockCid.Matches(KuboFixtures.Raw, "hello world!"u8));
        Assert.False(RawBlockCid.IsWellFormed(KuboFixtures.V0)); // UnixFS dag-pb: cannot be verified by hashing the bytes
        Assert.False(RawBlockCid.IsWellFormed("bafyBAD"));
        Assert.False(RawBlockCid.IsWellFormed(KuboFixtures.Raw.ToUpperInvariant()));
        Assert.False(RawBlockCid.IsWellFormed(KuboFixtures.Raw[..^1] + "1"));
    }

    [Fact]
    public void PeerAddresses_TakeTheIdFromTheAddressOrTheIdList()
    {
        var errors = new List<ConfigIssue>();
        var peers = KuboPeerAddress.Combine(
            ["/ip4/10.0.0.10/tcp/4001", $"/dns4/boot/tcp/4001/ipfs/{KuboFixtures.PeerB}", $"/ip4/10.0.0.12/tcp/4001/p2p/{KuboFixtures.PeerC}"],
            [KuboFixtures.PeerA],
            errors);

        Assert.Empty(errors);
        Assert.Equal(
            [$"/ip4/10.0.0.10/tcp/4001/p2p/{KuboFixtures.PeerA}", $"/dns4/boot/tcp/4001/p2p/{KuboFixtures.PeerB}", $"/ip4/10.0.0.12/tcp/4001/p2p/{KuboFixtures.PeerC}"],
            peers);
    }

    [Fact]
    public void PeerAddresses_WithoutId_WithABadId_OrIdsWithoutAddress_AreErrorsUnderTheirKeys()
    {
        var errors = new List<ConfigIssue>();
        var peers = KuboPeerAddress.Combine(["/ip4/10.0.0.10/tcp/4001", "/ip4/10.0.0.11/tcp/4001", "10.0.0.12:4001"], ["", "12D3Koo"], errors);
        var moreIds = new List<ConfigIssue>();
        KuboPeerAddress.Combine([], [KuboFixtures.PeerA], moreIds);

        Assert.Empty(peers);
        Assert.Equal(["ipfsBootstrapperAddresses:0", "ipfsBootstrapperIds:1", "ipfsBootstrapperAddresses:2"], errors.Select(e => e.Key));
        Assert.Contains("/p2p/", errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("ipfsBootstrapperIds:0", Assert.Single(moreIds).Key);
    }
}
