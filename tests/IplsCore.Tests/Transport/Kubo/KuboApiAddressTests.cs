using IplsCore.Transport.Kubo;

namespace IplsCore.Tests.Transport.Kubo;

public sealed class KuboApiAddressTests
{
    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/5001", "http://127.0.0.1:5001/")]
    [InlineData("/ip4/127.0.0.1/tcp/5001/", "http://127.0.0.1:5001/")]
    [InlineData("/ip6/::1/tcp/5001", "http://[::1]:5001/")]
    [InlineData("/dns4/kubo-peer1/tcp/5001", "http://kubo-peer1:5001/")]
    [InlineData("/dns6/kubo.example.org/tcp/15001", "http://kubo.example.org:15001/")]
    [InlineData("/dns/localhost/tcp/5001/http", "http://localhost:5001/")]
    [InlineData("/ip4/10.0.0.5/tcp/443/https", "https://10.0.0.5:443/")]
    public void Supported_MultiaddrsBecomeTheApiBaseUri(string multiaddr, string expected)
    {
        Assert.Equal(new Uri(expected), KuboApiAddress.ToBaseUri(multiaddr));
    }

    [Theory]
    [InlineData("", "must be the Kubo API multiaddr")]
    [InlineData("127.0.0.1:5001", "must be a multiaddr like")]
    [InlineData("/unix/var/run/kubo.sock", "/unix is not supported")]
    [InlineData("/ip4/127.0.0.1/udp/5001", "/udp is not supported")]
    [InlineData("/ip4/127.0.0.1/tcp/99999", "\"99999\" is not a TCP port")]
    [InlineData("/ip4/127.0.0.1/tcp/http", "\"http\" is not a TCP port")]
    [InlineData("/ip4/300.0.0.1/tcp/5001", "\"300.0.0.1\" is not an IPv4 address")]
    [InlineData("/ip4/::1/tcp/5001", "\"::1\" is not an IPv4 address")]
    [InlineData("/ip6/127.0.0.1/tcp/5001", "not an IPv6 address")]
    [InlineData("/dns4/bad_host!/tcp/5001", "is not a DNS host name")]
    [InlineData("/ip4/127.0.0.1/tcp/5001/ws", "\"/ws\" after the port is not supported")]
    [InlineData("/ip4/127.0.0.1/tcp/5001/p2p/12D3KooWRWADNo2mDhkXG6yU8iSzzbwnUwcBS9d7qv8KrjKf7UyR", "after the port is not supported")]
    public void Unsupported_MultiaddrsAreRefusedSayingWhy(string multiaddr, string expected)
    {
        Assert.False(KuboApiAddress.TryParse(multiaddr, out _, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains(expected, Assert.Throws<FormatException>(() => KuboApiAddress.ToBaseUri(multiaddr)).Message, StringComparison.Ordinal);
    }
}
