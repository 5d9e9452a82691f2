using System.Diagnostics;
using System.Text;
using IplsCore.Transport;
using IplsCore.Transport.Kubo;
using Microsoft.Extensions.Logging;

namespace IplsCore.Tests.Transport.Kubo;

/// <summary><see cref="KuboTransport"/> on fake daemons: topics, streams that end, break or get lost, refusals, bad input, content by CID, swarm links.</summary>
public sealed class KuboTransportTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeKuboNetwork _network = new();
    private readonly List<KuboTransport> _transports = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var transport in _transports)
        {
            await transport.DisposeAsync();
        }

        await _network.StopAsync();
    }

    private KuboTransport Transport(Uri api, RecordingLogger? logger = null, Func<KuboTransportOptions, KuboTransportOptions>? configure = null)
    {
        var options = new KuboTransportOptions
        {
            ApiUri = api,
            RequestTimeout = TimeSpan.FromSeconds(2),
            PublishTimeout = TimeSpan.FromSeconds(2),
            ContentTimeout = TimeSpan.FromSeconds(1),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(400),
            MaintenanceInterval = TimeSpan.FromMilliseconds(300),
            MaxPayloadBytes = 64 * 1024,
        };
        var transport = KuboTransport.Start(configure?.Invoke(options) ?? options, logger);
        _transports.Add(transport);
        return transport;
    }

    private async Task<(FakeKuboDaemon A, FakeKuboDaemon B, KuboTransport TA, KuboTransport TB)> TwoConnectedAsync(RecordingLogger? loggerA = null)
    {
        var a = await _network.StartDaemonAsync();
        var b = await _network.StartDaemonAsync();
        _network.Connect(a, b);
        return (a, b, Transport(a.ApiUri, loggerA), Transport(b.ApiUri));
    }

    private static async Task<string> NextAsync(KuboTransport transport, string topic = "t")
    {
        var message = await transport.Messages.ReadAsync().AsTask().WaitAsync(Wait);
        Assert.Equal(topic, message.Topic);
        return Encoding.UTF8.GetString(message.Payload);
    }

    [Fact]
    public async Task Publish_GoesToThePrefixedMultibaseTopic_AsOneFilePart()
    {
        var daemon = await _network.StartDaemonAsync();
        var transport = Transport(daemon.ApiUri);

        await transport.PublishAsync("fleet/control", "hello"u8.ToArray(), CancellationToken.None);

        var request = Assert.Single(daemon.RequestsTo("pubsub/pub"));
        Assert.Equal("POST /api/v0/pubsub/pub?arg=" + KuboFixtures.Multibase("ipls/fleet/control"), request.Line);
        Assert.Equal(KuboFixtures.MultipartBody(request.Boundary, "msg", "hello"u8.ToArray()), request.Body);
        Assert.Equal(1, transport.Counters.Published);
        Assert.Equal(5, transport.Counters.PublishedBytes);
        Assert.Throws<ArgumentException>(() => transport.PublishAsync("t", new byte[(64 * 1024) + 1], CancellationToken.None).GetAwaiter().GetResult());
    }

    [Fact]
    public async Task Messages_FromOtherPeersArrive_OurOwnAreFiltered()
    {
        var (a, _, ta, tb) = await TwoConnectedAsync();
        await ta.SubscribeAsync("t", CancellationToken.None);
        await tb.SubscribeAsync("t", CancellationToken.None);

        // a's own message reaches a's stream first (Kubo echoes it); the first one a delivers must be b's.
        await ta.PublishAsync("t", "from a"u8.ToArray(), CancellationToken.None);
        await tb.PublishAsync("t", "from b"u8.ToArray(), CancellationToken.None);

        Assert.Equal("from b", await NextAsync(ta));
        Assert.Equal("from a", await NextAsync(tb));
        Assert.Equal(a.PeerId, ta.PeerId);

        // The contract's fixture stream: b's message, then our own publication.
        foreach (string line in KuboFixtures.Sub1.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            a.Inject("ipls/t", line.Replace(KuboFixtures.TopicFlRound, KuboFixtures.Multibase("ipls/t"), StringComparison.Ordinal));
        }

        a.Inject("ipls/t", KuboFixtures.SubLine(KuboFixtures.PeerC, "after"u8.ToArray(), 9, "ipls/t"));
        Assert.Equal(KuboFixtures.Msg, await NextAsync(ta));
        Assert.Equal("after", await NextAsync(ta));
        Assert.Equal(2 + 1, ta.Counters.Received);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AStreamThatEndsOrBreaks_IsSubscribedAgain_AndMessagesFlowAgain(bool breakIt)
    {
        var (a, _, ta, tb) = await TwoConnectedAsync();
        await ta.SubscribeAsync("t", CancellationToken.None);

        if (breakIt)
        {
            a.BreakStreams();
        }
        else
        {
            a.EndStreams();
        }

        await Eventually.TrueAsync(() => a.RequestsTo("pubsub/sub").Count == 2 && a.OpenStreams("ipls/t") == 1, "a subscribed again", seconds: 20);
        await tb.PublishAsync("t", "again"u8.ToArray(), CancellationToken.None);

        Assert.Equal("again", await NextAsync(ta));
        Assert.Equal(1, ta.Counters.Reconnects);
    }

    [Fact]
    public async Task ASubscriptionTheDaemonLostSilently_IsNoticedInPubsubLs_AndRenewed()
    {
        var logger = new RecordingLogger();
        var (a, _, ta, tb) = await TwoConnectedAsync(logger);
        await ta.SubscribeAsync("t", CancellationToken.None);

        a.LoseSubscriptionsSilently();

        await Eventually.TrueAsync(() => a.RequestsTo("pubsub/sub").Count == 2 && a.OpenStreams("ipls/t") == 1, "a subscribed again", seconds: 20);
        await tb.PublishAsync("t", "renewed"u8.ToArray(), CancellationToken.None);
        Assert.Equal("renewed", await NextAsync(ta));
        Assert.Contains(logger.At(LogLevel.Warning), l => l.Contains("no longer lists ipls/t", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PubsubOff_SubscribeAndPublishFailWithKubosMessage_AndTheSubscriptionComesUpWhenItIsOn()
    {
        var logger = new RecordingLogger();
        var daemon = await _network.StartDaemonAsync();
        daemon.PubsubEnabled = false;
        var transport = Transport(daemon.ApiUri, logger);

        var subscribe = await Assert.ThrowsAsync<TransportUnavailableException>(() => transport.SubscribeAsync("t", CancellationToken.None));
        var publish = await Assert.ThrowsAsync<TransportUnavailableException>(() => transport.PublishAsync("t", "x"u8.ToArray(), CancellationToken.None));

        Assert.Contains(KuboFixtures.PubsubDisabled, subscribe.Message, StringComparison.Ordinal);
        Assert.Contains(KuboFixtures.PubsubDisabled, publish.Message, StringComparison.Ordinal);
        Assert.IsType<KuboPubsubDisabledException>(publish.InnerException);
        Assert.Single(daemon.RequestsTo("pubsub/pub")); // not worth retrying
        Assert.Contains(logger.At(LogLevel.Error), l => l.Contains("pubsub is not enabled", StringComparison.Ordinal));

        daemon.PubsubEnabled = true;
        await Eventually.TrueAsync(() => daemon.OpenStreams("ipls/t") == 1, "the wanted subscription opened by itself", seconds: 20);
        await transport.SubscribeAsync("t", CancellationToken.None);
    }

    [Fact]
    public async Task ValidationIgnored_IsPublishedAgain_UpToTheLimit()
    {
        var (a, _, ta, tb) = await TwoConnectedAsync();
        await tb.SubscribeAsync("t", CancellationToken.None);

        a.AnswerValidationIgnored(2);
        await ta.PublishAsync("t", "third time"u8.ToArray(), CancellationToken.None);

        Assert.Equal("third time", await NextAsync(tb));
        Assert.Equal(3, a.RequestsTo("pubsub/pub").Count);
        Assert.Equal(2, ta.Counters.PublishRetries);
        Assert.Equal(1, ta.Counters.Published);

        var stubborn = Transport(a.ApiUri, configure: o => o with { ValidationIgnoredRetries = 3 });
        a.AnswerValidationIgnored(100);
        var error = await Assert.ThrowsAsync<TransportUnavailableException>(() => stubborn.PublishAsync("t", "x"u8.ToArray(), CancellationToken.None));
        Assert.Contains("validation ignored", error.Message, StringComparison.Ordinal);
        Assert.Equal(3 + 4, a.RequestsTo("pubsub/pub").Count);
    }

    [Fact]
    public async Task Publishes_GoOneAtATimePerDaemon()
    {
        var daemon = await _network.StartDaemonAsync();
        daemon.PublishDelay = TimeSpan.FromMilliseconds(60);
        var transport = Transport(daemon.ApiUri);

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => transport.PublishAsync("t", new[] { (byte)i }, CancellationToken.None)));
        Assert.Equal(1, daemon.MaxConcurrentPublishes);
        Assert.Equal(6, transport.Counters.Published);

        // The check can fail: two transports on one daemon do overlap.
        daemon.PublishDelay = TimeSpan.FromMilliseconds(500);
        var other = Transport(daemon.ApiUri);
        await Task.WhenAll(transport.PublishAsync("t", new byte[] { 1 }, CancellationToken.None), other.PublishAsync("t", new byte[] { 2 }, CancellationToken.None));
        Assert.Equal(2, daemon.MaxConcurrentPublishes);
    }

    [Fact]
    public async Task BadStreamLines_AreRejectedCountedAndLogged_AndTheStreamGoesOn()
    {
        var logger = new RecordingLogger();
        var daemon = await _network.StartDaemonAsync();
        var transport = Transport(daemon.ApiUri, logger, o => o with { MaxPayloadBytes = 1024 });
        await transport.SubscribeAsync("t", CancellationToken.None);
        string topic = KuboFixtures.Multibase("ipls/t");
        string b = KuboFixtures.PeerB;

        daemon.Inject("ipls/t", "not json");
        daemon.Inject("ipls/t", $$"""{"from":"{{b}}","data":"mZm9v","topicIDs":["{{topic}}"]}""");
        daemon.Inject("ipls/t", $$"""{"from":"{{b}}","data":"uaGVsbG8","topicIDs":["{{KuboFixtures.TopicFlRound}}"]}""");
        daemon.Inject("ipls/t", $$"""{"from":"{{b}}","data":"{{KuboFixtures.Multibase(new byte[2000])}}","topicIDs":["{{topic}}"]}""");
        daemon.Inject("ipls/t", new string('x', 20_000));
        daemon.Inject("ipls/t", "{}");
        daemon.Inject("ipls/t", KuboFixtures.SubLine(b, "good"u8.ToArray(), 1, "ipls/t"));

        Assert.Equal("good", await NextAsync(transport));
        Assert.Equal(3, transport.Counters.DroppedMalformed);
        Assert.Equal(2, transport.Counters.DroppedOversized);
        Assert.Equal(1, transport.Counters.Received);
        var warnings = logger.At(LogLevel.Warning).ToList();
        Assert.Contains(warnings, l => l.Contains("not a JSON object", StringComparison.Ordinal));
        Assert.Contains(warnings, l => l.Contains("data is not multibase", StringComparison.Ordinal));
        Assert.Contains(warnings, l => l.Contains("topicIDs do not name", StringComparison.Ordinal));
        Assert.Single(daemon.RequestsTo("pubsub/sub")); // the stream stayed open throughout
    }

    [Fact]
    public async Task Content_MovesByCidBetweenDaemons_AsOneRawBlock()
    {
        var (a, b, ta, tb) = await TwoConnectedAsync();
        byte[] model = [.. Enumerable.Range(0, 23_400).Select(i => (byte)(i * 7))];

        string cid = await ta.PutContentAsync(model, CancellationToken.None);
        byte[]? fetched = await tb.GetContentAsync(cid, CancellationToken.None);

        Assert.Equal(RawBlockCid.Compute(model), cid);
        Assert.StartsWith("bafkrei", cid, StringComparison.Ordinal);
        var put = Assert.Single(a.RequestsTo("block/put"));
        Assert.Equal(KuboFixtures.MultipartBody(put.Boundary, "block", model), put.Body);
        Assert.Equal(model, fetched);
        Assert.Equal($"POST /api/v0/block/get?arg={cid}&timeout=1s", Assert.Single(b.RequestsTo("block/get")).Line);
    }

    [Fact]
    public async Task Content_ThatFailsItsCheck_IsRejectedAndCounted()
    {
        var daemon = await _network.StartDaemonAsync();
        var logger = new RecordingLogger();
        var transport = Transport(daemon.ApiUri, logger);
        string cid = await transport.PutContentAsync(KuboFixtures.HelloWorld, CancellationToken.None);

        daemon.TamperBlocks = block => [.. block[..^1], (byte)'?'];
        var corrupt = await transport.GetContentAsync(cid, CancellationToken.None);
        daemon.TamperBlocks = block => [.. block, .. new byte[64 * 1024]];
        var tooLong = await transport.GetContentAsync(cid, CancellationToken.None);
        var unverifiable = await transport.GetContentAsync(KuboFixtures.V0, CancellationToken.None);
        daemon.TamperBlocks = null;
        var good = await transport.GetContentAsync(cid, CancellationToken.None);

        Assert.Null(corrupt);
        Assert.Null(tooLong);
        Assert.Null(unverifiable);
        Assert.Equal(KuboFixtures.HelloWorld, good);
        Assert.Equal(3, transport.Counters.ContentRejected);
        Assert.Equal(3, daemon.RequestsTo("block/get").Count); // the CIDv0 was refused without asking
        Assert.Contains(logger.At(LogLevel.Warning), l => l.Contains("hash to", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Content_StoredUnderAnotherCid_IsAnError_AndMissingContentIsNull()
    {
        var daemon = await _network.StartDaemonAsync();
        var transport = Transport(daemon.ApiUri);
        Assert.Null(await transport.GetContentAsync(KuboFixtures.Raw, CancellationToken.None)); // nobody has it: Kubo's timeout

        daemon.Intercept = async context =>
        {
            if (context.Request.Path != "/api/v0/block/put")
            {
                return false;
            }

            await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(context.Response, $"{{\"Key\":\"{KuboFixtures.V0}\",\"Size\":12}}\n");
            return true;
        };
        var error = await Assert.ThrowsAsync<TransportUnavailableException>(() => transport.PutContentAsync(KuboFixtures.HelloWorld, CancellationToken.None));

        Assert.Contains($"expected {KuboFixtures.Raw}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableDaemon_FailsCallsAfterTheTimeout_AsTransportUnavailable()
    {
        var transport = Transport(new Uri($"http://127.0.0.1:{Brokers.FreePort()}/"), configure: o => o with { PublishTimeout = TimeSpan.FromSeconds(1) });
        var watch = Stopwatch.StartNew();

        var publish = await Assert.ThrowsAsync<TransportUnavailableException>(() => transport.PublishAsync("t", "x"u8.ToArray(), CancellationToken.None));
        var elapsed = watch.Elapsed;
        var subscribe = await Assert.ThrowsAsync<TransportUnavailableException>(() => transport.SubscribeAsync("t", CancellationToken.None));
        var put = await Assert.ThrowsAsync<TransportUnavailableException>(() => transport.PutContentAsync("x"u8.ToArray(), CancellationToken.None));
        var ready = await Assert.ThrowsAsync<TransportUnavailableException>(() => transport.WaitReadyAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None));

        Assert.Null(await transport.GetContentAsync(KuboFixtures.Raw, CancellationToken.None));
        Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        Assert.Contains("unreachable for 1 s", publish.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", subscribe.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("block/put", put.Message, StringComparison.Ordinal);
        Assert.Contains("not reachable within", ready.Message, StringComparison.Ordinal);
        Assert.Null(transport.PeerId);
    }

    [Fact]
    public async Task ADaemonThatComesLater_IsUsedOnceItAnswers()
    {
        int port = Brokers.FreePort();
        var transport = Transport(new Uri($"http://127.0.0.1:{port}/"), configure: o => o with { PublishTimeout = TimeSpan.FromSeconds(15) });
        var subscribing = transport.SubscribeAsync("t", CancellationToken.None);
        await Task.Delay(500);
        Assert.False(subscribing.IsCompleted);

        var daemon = await _network.StartDaemonAsync(port);
        await subscribing.WaitAsync(Wait);
        daemon.Inject("ipls/t", KuboFixtures.SubLine(KuboFixtures.PeerB, "late"u8.ToArray(), 1, "ipls/t"));

        Assert.Equal("late", await NextAsync(transport));
        Assert.Equal(daemon.PeerId, transport.PeerId);
    }

    [Fact]
    public async Task Bootstrappers_AreAddedToTheBootstrapList_AndRedialledWhenTheLinkDrops()
    {
        var a = await _network.StartDaemonAsync();
        var b = await _network.StartDaemonAsync();
        var transport = Transport(a.ApiUri, configure: o => o with { Bootstrappers = [b.PeerMultiaddr, a.PeerMultiaddr] });

        await Eventually.TrueAsync(() => _network.ConnectedTo(a).Contains(b), "a dialled b", seconds: 20);
        _network.Disconnect(a, b);
        await Eventually.TrueAsync(() => _network.ConnectedTo(a).Contains(b), "a dialled b again", seconds: 20);

        // The fake links the daemons before it answers the dial, so the count follows a moment later.
        await Eventually.TrueAsync(() => transport.SwarmConnects == 2, "both dials counted", seconds: 20);
        Assert.Equal(["auto", b.PeerMultiaddr], a.BootstrapList); // not itself
        Assert.All(a.RequestsTo("swarm/connect"), r => Assert.Equal($"POST /api/v0/swarm/connect?arg={b.PeerMultiaddr}", r.Line));
        Assert.Single(a.RequestsTo("bootstrap/add"));
    }

    [Fact]
    public async Task Subscribe_OpensStreamsOnlyAfterTheBootstrappersWereDialled_EvenIfTheDialFails()
    {
        var a = await _network.StartDaemonAsync();
        var b = await _network.StartDaemonAsync();
        var c = await _network.StartDaemonAsync();
        c.RefuseDials = true;
        var transport = Transport(a.ApiUri, configure: o => o with { Bootstrappers = [c.PeerMultiaddr, b.PeerMultiaddr] });

        await transport.SubscribeAsync("t", CancellationToken.None);

        // A joiner subscribed before its swarm links would hear nobody and conclude it is alone.
        Assert.Contains(b, _network.ConnectedTo(a));
        var order = a.Requests.Select(r => r.Path).ToList();
        Assert.True(order.LastIndexOf("/api/v0/swarm/connect") < order.IndexOf("/api/v0/pubsub/sub"), string.Join(", ", order));
        Assert.Equal(2, a.RequestsTo("swarm/connect").Count);
    }

    [Fact]
    public async Task Unsubscribe_ClosesTheStream_AndNothingMoreArrives()
    {
        var (a, _, ta, tb) = await TwoConnectedAsync();
        await ta.SubscribeAsync("t", CancellationToken.None);
        await ta.SubscribeAsync("u", CancellationToken.None);

        await ta.UnsubscribeAsync("t", CancellationToken.None);
        await Eventually.TrueAsync(() => a.OpenStreams("ipls/t") == 0, "the daemon saw the stream close", seconds: 20);
        await tb.PublishAsync("t", "gone"u8.ToArray(), CancellationToken.None);
        await tb.PublishAsync("u", "still here"u8.ToArray(), CancellationToken.None);

        Assert.Equal("still here", await NextAsync(ta, "u"));
        Assert.Equal(1, ta.Counters.Received);
    }
}
