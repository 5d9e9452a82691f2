using System.Security.Cryptography;
using System.Text;
using IplsCore.Transport.Kubo;

namespace IplsCore.Tests.Transport.Kubo;

/// <summary>
/// What must hold on a real IPFS daemon with pubsub on (Kubo, or js-ipfs 0.66.1 as in CI): these run
/// against the fake daemon by default, and against a real one when <c>IPLS_KUBO_API</c> holds its API
/// multiaddr (<c>scripts/kubo-live-tests.sh</c> sets it after checking the daemon). Only what all of
/// them answer alike is asserted (error texts only on Kubo); topics and blocks are random, so a
/// shared daemon is not disturbed.
/// </summary>
[Trait("Category", "KuboLive")]
public sealed class KuboLiveDaemonTests : IAsyncLifetime
{
    public const string ApiVariable = "IPLS_KUBO_API";
    private readonly FakeKuboNetwork _network = new();
    private readonly List<IAsyncDisposable> _disposables = [];
    private HttpClient _http = null!;
    private KuboClient _client = null!;
    private Uri _api = null!;

    public async Task InitializeAsync()
    {
        string? live = Environment.GetEnvironmentVariable(ApiVariable);
        _api = string.IsNullOrWhiteSpace(live) ? (await _network.StartDaemonAsync()).ApiUri : KuboApiAddress.ToBaseUri(live);
        _http = KuboClient.CreateHttpClient(_api, TimeSpan.FromSeconds(10));
        _client = new KuboClient(_http, TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }

        _http.Dispose();
        await _network.StopAsync();
    }

    private static string RandomTopic() => "ipls-live-test/" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private KuboTransport Transport()
    {
        var transport = KuboTransport.Start(new KuboTransportOptions { ApiUri = _api, AddBootstrappersToConfig = false, TopicPrefix = string.Empty });
        _disposables.Add(transport);
        return transport;
    }

    [Fact]
    public async Task Version_AndId_SayPubsubIsUsable_AndWhichDaemonThisIs()
    {
        var daemon = await _client.IdentifyAsync(CancellationToken.None);

        Assert.True(daemon.HasMultibasePubsub, $"{daemon.ImplementationName} {daemon.Version} predates Kubo 0.11's pubsub format");
        Assert.True(KuboPeerAddress.IsPeerId(daemon.PeerId), daemon.PeerId);
        Assert.True(daemon.PubsubEnabled, "start the daemon with Pubsub.Enabled=true");
        Assert.NotEqual(IpfsImplementation.Other, daemon.Implementation);
        Assert.Equal(daemon.AgentVersion.StartsWith("js-ipfs/", StringComparison.Ordinal), daemon.Implementation == IpfsImplementation.JsIpfs);
    }

    [Fact]
    public async Task Publish_ToATopicNobodySubscribes_IsNotAFailure()
    {
        var logger = new RecordingLogger();
        var transport = KuboTransport.Start(new KuboTransportOptions { ApiUri = _api, AddBootstrappersToConfig = false, TopicPrefix = string.Empty }, logger);
        _disposables.Add(transport);
        await transport.WaitReadyAsync(TimeSpan.FromSeconds(20), CancellationToken.None);

        await transport.PublishAsync(RandomTopic(), "to nobody"u8.ToArray(), CancellationToken.None);

        // Kubo answers 200 (counted as published); js-ipfs refuses with InsufficientPeers (counted apart).
        Assert.Equal(1, transport.Counters.Published + transport.Counters.PublishedToNobody);
        Assert.DoesNotContain(logger.Lines, l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task Pubsub_EchoesOurOwnMessageToOurStream_WithOurPeerId()
    {
        string topic = RandomTopic();
        string self = (await _client.IdAsync(null, CancellationToken.None)).Id;
        await using var stream = await _client.PubsubSubscribeAsync(topic, 64 * 1024, CancellationToken.None);
        Assert.Contains(topic, await _client.PubsubListAsync(CancellationToken.None));

        byte[] payload = RandomNumberGenerator.GetBytes(300);
        await _client.PubsubPublishAsync(topic, payload, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        NdjsonLine? line;
        KuboDecodedLine decoded;
        do
        {
            // js-ipfs opens the stream with "{}" (no sender: skipped); Kubo sends the message first.
            line = await stream.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            decoded = KuboPubsubDecoder.Decode(line.Value.Bytes.Span, Multibase.EncodeTopic(topic), "someone else", 64 * 1024);
        }
        while (decoded.Kind == KuboLineKind.Skipped);

        Assert.Equal(KuboLineKind.Message, decoded.Kind);
        Assert.Equal(payload, decoded.Payload);
        Assert.Contains($"\"from\":\"{self}\"", Encoding.UTF8.GetString(line!.Value.Bytes.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transport_FiltersWhatTheDaemonEchoes()
    {
        string topic = RandomTopic();
        var transport = Transport();
        await transport.SubscribeAsync(topic, CancellationToken.None);
        await using var raw = await _client.PubsubSubscribeAsync(topic, 64 * 1024, CancellationToken.None);

        await transport.PublishAsync(topic, "mine"u8.ToArray(), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.NotNull(await raw.ReadLineAsync(timeout.Token)); // the daemon did deliver it
        await Task.Delay(300);

        Assert.False(transport.Messages.TryRead(out _));
        Assert.Equal(0, transport.Counters.Received + transport.Counters.DroppedMalformed);
    }

    [Fact]
    public async Task Content_RoundTripsAsARawBlockUnderTheCidWeCompute()
    {
        var transport = Transport();
        byte[] content = RandomNumberGenerator.GetBytes(23_400);

        string cid = await transport.PutContentAsync(content, CancellationToken.None);
        byte[]? fetched = await transport.GetContentAsync(cid, CancellationToken.None);

        Assert.Equal(RawBlockCid.Compute(content), cid);
        Assert.Equal(content, fetched);
    }

    [Fact]
    public async Task BadRequests_AreKuboExceptionsWithKubosMessage()
    {
        var badCid = await Assert.ThrowsAnyAsync<KuboException>(() => _client.BlockGetAsync("bafyBAD", TimeSpan.FromSeconds(2), 1024, CancellationToken.None));
        var noId = await Assert.ThrowsAnyAsync<KuboException>(() => _client.SwarmConnectAsync("/ip4/127.0.0.1/tcp/1", CancellationToken.None));

        var daemon = await _client.IdentifyAsync(CancellationToken.None);
        if (daemon.Implementation == IpfsImplementation.Kubo)
        {
            Assert.Contains("bafyBAD", badCid.KuboMessage, StringComparison.Ordinal); // js-ipfs says only "Invalid request query input"
        }

        Assert.NotEmpty(badCid.KuboMessage);
        Assert.NotEmpty(noId.KuboMessage);
        Assert.IsNotType<KuboUnreachableException>(badCid);
        Assert.IsNotType<KuboUnreachableException>(noId);
    }

    [Fact]
    public async Task SwarmPeers_Parse()
    {
        var peers = await _client.SwarmPeersAsync(CancellationToken.None);

        Assert.All(peers, p => Assert.True(KuboPeerAddress.IsPeerId(p.Peer), p.Peer));
    }
}
