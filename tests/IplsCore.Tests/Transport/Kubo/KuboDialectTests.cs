using System.Net;
using System.Text;
using IplsCore.Transport.Kubo;
using Microsoft.Extensions.Logging;

namespace IplsCore.Tests.Transport.Kubo;

/// <summary>
/// The client and transport work unchanged against both daemons the project meets: Kubo (the
/// production target) and js-ipfs 0.66.1 (CI), each as a fake answering in its own dialect
/// (<see cref="FakeIpfsDialect"/>). Every test runs on both.
/// </summary>
public sealed class KuboDialectTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeKuboNetwork _network = new();
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly List<HttpClient> _http = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }

        foreach (var http in _http)
        {
            http.Dispose();
        }

        await _network.StopAsync();
    }

    private KuboTransport Transport(FakeKuboDaemon daemon, RecordingLogger? logger = null)
    {
        var transport = KuboTransport.Start(
            new KuboTransportOptions
            {
                ApiUri = daemon.ApiUri,
                RequestTimeout = TimeSpan.FromSeconds(2),
                PublishTimeout = TimeSpan.FromSeconds(2),
                ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
                ReconnectMaxDelay = TimeSpan.FromMilliseconds(400),
                MaintenanceInterval = TimeSpan.FromMilliseconds(300),
                AddBootstrappersToConfig = false,
            },
            logger);
        _disposables.Add(transport);
        return transport;
    }

    private KuboClient Client(FakeKuboDaemon daemon)
    {
        var http = KuboClient.CreateHttpClient(daemon.ApiUri, TimeSpan.FromSeconds(3));
        _http.Add(http);
        return new KuboClient(http, TimeSpan.FromSeconds(3));
    }

    [Theory]
    [InlineData(FakeIpfsDialect.Kubo, IpfsImplementation.Kubo, "Kubo 0.41.0, pubsub on")]
    [InlineData(FakeIpfsDialect.JsIpfs, IpfsImplementation.JsIpfs, "js-ipfs 0.18.1, pubsub on")]
    public async Task TheVersionCheck_SaysWhichDaemonItTalksTo(FakeIpfsDialect dialect, IpfsImplementation implementation, string described)
    {
        var daemon = await _network.StartDaemonAsync(dialect: dialect);
        var transport = Transport(daemon);
        await transport.WaitReadyAsync(Wait, CancellationToken.None);

        var probed = await KuboTransport.ProbeAsync(new KuboTransportOptions { ApiUri = daemon.ApiUri }, CancellationToken.None);

        Assert.Equal(implementation, transport.Daemon!.Implementation);
        Assert.Equal(described, transport.Daemon.Describe());
        Assert.Equal(transport.Daemon, probed);
        Assert.True(probed.HasMultibasePubsub);
    }

    [Theory]
    [InlineData(FakeIpfsDialect.Kubo)]
    [InlineData(FakeIpfsDialect.JsIpfs)]
    public async Task Content_IsStoredRawUnderTheCidWeCompute(FakeIpfsDialect dialect)
    {
        var a = await _network.StartDaemonAsync(dialect: dialect);
        var b = await _network.StartDaemonAsync(dialect: dialect);
        _network.Connect(a, b);
        byte[] content = Encoding.UTF8.GetBytes(new string('m', 23_000));

        string cid = await Transport(a).PutContentAsync(content, CancellationToken.None);
        byte[]? fetched = await Transport(b).GetContentAsync(cid, CancellationToken.None);

        Assert.Equal(RawBlockCid.Compute(content), cid);
        Assert.Equal(content, fetched);
        Assert.Equal("?cid-codec=raw&format=raw", Assert.Single(a.RequestsTo("block/put")).Query);
    }

    [Fact]
    public async Task WithoutFormatRaw_JsIpfsWouldStoreADagPbCidV0_SoTheFakeCanTellTheDifference()
    {
        var js = await _network.StartDaemonAsync(dialect: FakeIpfsDialect.JsIpfs);
        var kubo = await _network.StartDaemonAsync();

        string onJs = await PutWithQueryAsync(js, "?cid-codec=raw");
        string onKubo = await PutWithQueryAsync(kubo, "?cid-codec=raw");
        var clash = await Assert.ThrowsAsync<HttpRequestException>(() => PutWithQueryAsync(kubo, "?cid-codec=dag-pb&format=raw"));

        Assert.Equal(KuboFixtures.V0Block, onJs);
        Assert.Equal(KuboFixtures.Raw, onKubo);
        Assert.Equal(HttpStatusCode.InternalServerError, clash.StatusCode);
    }

    [Theory]
    [InlineData(FakeIpfsDialect.Kubo)]
    [InlineData(FakeIpfsDialect.JsIpfs)]
    public async Task StreamLines_WithALeadingEmptyObjectAndKeyAndSignature_AreDeliveredCleanly(FakeIpfsDialect dialect)
    {
        var a = await _network.StartDaemonAsync(dialect: dialect);
        var b = await _network.StartDaemonAsync(dialect: dialect);
        _network.Connect(a, b);
        var ta = Transport(a);
        var tb = Transport(b);
        await ta.SubscribeAsync("t", CancellationToken.None);
        await tb.SubscribeAsync("t", CancellationToken.None);

        await tb.PublishAsync("t", "hello"u8.ToArray(), CancellationToken.None);
        var message = await ta.Messages.ReadAsync().AsTask().WaitAsync(Wait);

        Assert.Equal("hello", Encoding.UTF8.GetString(message.Payload));
        Assert.Equal(0, ta.Counters.DroppedMalformed);
        Assert.Equal(1, tb.Counters.Published);
    }

    [Theory]
    [InlineData(FakeIpfsDialect.Kubo, 1, 0)]
    [InlineData(FakeIpfsDialect.JsIpfs, 0, 1)]
    public async Task APublishNobodyHears_IsTransient_NotAFailure(FakeIpfsDialect dialect, int published, int toNobody)
    {
        var daemon = await _network.StartDaemonAsync(dialect: dialect);
        var logger = new RecordingLogger();
        var transport = Transport(daemon, logger);
        await transport.WaitReadyAsync(Wait, CancellationToken.None);

        await transport.PublishAsync("nobody-listens", "x"u8.ToArray(), CancellationToken.None);

        Assert.Equal(published, transport.Counters.Published);
        Assert.Equal(toNobody, transport.Counters.PublishedToNobody);
        Assert.Equal(1 + (2 * toNobody), daemon.RequestsTo("pubsub/pub").Count); // js-ipfs: sent again twice, briefly
        Assert.DoesNotContain(logger.Lines, l => l.Level >= LogLevel.Warning);
    }

    [Theory]
    [InlineData(FakeIpfsDialect.Kubo, typeof(KuboRequestRejectedException), "argument \"topic\" is required", null)]
    [InlineData(FakeIpfsDialect.JsIpfs, typeof(KuboException), "Invalid request query input", 1)]
    public async Task Refusals_AreParsedInEitherShape(FakeIpfsDialect dialect, Type type, string message, int? code)
    {
        var daemon = await _network.StartDaemonAsync(dialect: dialect);
        daemon.Intercept = context =>
        {
            context.Request.QueryString = Microsoft.AspNetCore.Http.QueryString.Empty; // as if the topic were missing
            return Task.FromResult(false);
        };

        var refused = await Assert.ThrowsAnyAsync<KuboException>(() => Client(daemon).PubsubSubscribeAsync("t", 4096, CancellationToken.None));

        Assert.Equal(type, refused.GetType());
        Assert.Equal(message, refused.KuboMessage);
        Assert.Equal(code, refused.KuboCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    [Fact]
    public async Task JsIpfsCommandErrors_AreJson_AndKeepTheirMessage()
    {
        var js = await _network.StartDaemonAsync(dialect: FakeIpfsDialect.JsIpfs);

        var badCid = await Assert.ThrowsAnyAsync<KuboException>(() => Client(js).BlockGetAsync("bafyBAD", TimeSpan.FromSeconds(1), 1024, CancellationToken.None));
        var dial = await Assert.ThrowsAnyAsync<KuboException>(() => Client(js).SwarmConnectAsync("/ip4/127.0.0.1/tcp/1/p2p/" + KuboFixtures.PeerC, CancellationToken.None));

        Assert.Equal("Invalid request query input", badCid.KuboMessage);
        Assert.Equal(HttpStatusCode.BadRequest, badCid.Status);
        Assert.Equal("All promises were rejected", dial.KuboMessage);
    }

    private static async Task<string> PutWithQueryAsync(FakeKuboDaemon daemon, string query)
    {
        using var http = new HttpClient { BaseAddress = daemon.ApiUri };
        using var body = new KuboFilePart("hello.txt", KuboFixtures.HelloWorld);
        using var response = await http.PostAsync(new Uri("api/v0/block/put" + query, UriKind.Relative), body);
        response.EnsureSuccessStatusCode();
        string json = await response.Content.ReadAsStringAsync();
        return System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("Key").GetString()!;
    }
}
