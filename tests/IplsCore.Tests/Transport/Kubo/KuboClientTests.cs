using System.Net;
using System.Text;
using IplsCore.Transport.Kubo;
using Microsoft.AspNetCore.Http;

namespace IplsCore.Tests.Transport.Kubo;

/// <summary>
/// Each RPC call of <see cref="KuboClient"/> against the fake daemon: the exact request (method,
/// path, query, multipart bytes, no Origin or browser User-Agent) and the parsed answer or the
/// typed exception with Kubo's message.
/// </summary>
public sealed class KuboClientTests : IAsyncLifetime
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(3);
    private readonly FakeKuboNetwork _network = new();
    private readonly List<HttpClient> _http = [];
    private FakeKuboDaemon _daemon = null!;
    private KuboClient _client = null!;

    public async Task InitializeAsync()
    {
        _daemon = await _network.StartDaemonAsync();
        _client = Client(_daemon.ApiUri);
    }

    public async Task DisposeAsync()
    {
        foreach (var http in _http)
        {
            http.Dispose();
        }

        await _network.StopAsync();
    }

    private KuboClient Client(Uri api, TimeSpan? timeout = null)
    {
        var http = KuboClient.CreateHttpClient(api, timeout ?? RequestTimeout);
        _http.Add(http);
        return new KuboClient(http, timeout ?? RequestTimeout);
    }

    private RecordedKuboRequest Last(string command) => _daemon.RequestsTo(command)[^1];

    private static void AssertPlainPost(RecordedKuboRequest request, string line)
    {
        Assert.Equal(line, request.Line);
        Assert.Empty(request.Body);
        Assert.True(request.ContentLength is null or 0, $"Content-Length {request.ContentLength}");
        Assert.Null(request.Origin);
        Assert.False(request.UserAgent?.StartsWith("Mozilla", StringComparison.Ordinal) ?? false);
    }

    [Fact]
    public async Task Id_IsAPlainPost_AndTellsPeerIdAndWhetherPubsubIsOn()
    {
        var identity = await _client.IdAsync(null, CancellationToken.None);
        _daemon.PubsubEnabled = false;
        var withoutPubsub = await _client.IdAsync(null, CancellationToken.None);

        AssertPlainPost(Last("id"), "POST /api/v0/id");
        Assert.Equal(KuboFixtures.PeerA, identity.Id);
        Assert.Contains("/meshsub/1.1.0", identity.Protocols!);
        Assert.True(identity.PubsubEnabled);
        Assert.False(withoutPubsub.PubsubEnabled);
    }

    [Fact]
    public async Task Id_OfABadPeer_IsAKuboExceptionWithKubosMessage()
    {
        var error = await Assert.ThrowsAsync<KuboException>(() => _client.IdAsync("not-a-peer", CancellationToken.None));

        AssertPlainPost(Last("id"), "POST /api/v0/id?arg=not-a-peer");
        Assert.Equal("invalid peer id", error.KuboMessage);
        Assert.Equal(0, error.KuboCode);
        Assert.Equal(HttpStatusCode.InternalServerError, error.Status);
        Assert.Equal("Kubo id: invalid peer id", error.Message);
    }

    [Theory]
    [InlineData("0.41.0", true)]
    [InlineData("0.18.1", true)]
    [InlineData("0.11.0-rc1", true)]
    [InlineData("0.10.0", false)]
    [InlineData("0.7.0", false)]
    [InlineData("1.0.0", true)]
    public async Task Version_IsParsed_AndPre011DaemonsAreRecognised(string version, bool multibase)
    {
        _daemon.Intercept = async context =>
        {
            if (context.Request.Path != "/api/v0/version")
            {
                return false;
            }

            await context.Response.WriteAsync($"{{\"Version\":\"{version}\",\"Commit\":\"675f8bd\",\"Repo\":\"13\",\"System\":\"amd64/linux\",\"Golang\":\"go1.19.1\"}}\n");
            return true;
        };

        var answer = await _client.VersionAsync(CancellationToken.None);
        var daemon = await _client.IdentifyAsync(CancellationToken.None);

        AssertPlainPost(Last("version"), "POST /api/v0/version");
        Assert.Equal(version, answer.Version);
        Assert.Equal(IpfsImplementation.Kubo, daemon.Implementation);
        Assert.Equal(multibase, daemon.HasMultibasePubsub);
    }

    [Fact]
    public async Task Publish_SendsTheFixturesRequest_ByteForByte()
    {
        byte[] message = Encoding.UTF8.GetBytes(KuboFixtures.Msg);

        await _client.PubsubPublishAsync("fl/round", message, CancellationToken.None);

        var request = Last("pubsub/pub");
        Assert.Equal("POST /api/v0/pubsub/pub?arg=uZmwvcm91bmQ", request.Line);
        Assert.Matches("^multipart/form-data; boundary=[A-Za-z0-9]+$", request.ContentType);
        Assert.Equal(KuboFixtures.MultipartBody(request.Boundary, "msg", message), request.Body);
        Assert.Equal(request.Body.Length, request.ContentLength);
        Assert.Null(request.Origin);
    }

    [Fact]
    public async Task Publish_WhenPubsubIsOff_OrTheValidatorIgnoresIt_ThrowsTheTypedException()
    {
        _daemon.PubsubEnabled = false;
        var off = await Assert.ThrowsAsync<KuboPubsubDisabledException>(() => _client.PubsubPublishAsync("fl/round", "x"u8.ToArray(), CancellationToken.None));
        _daemon.PubsubEnabled = true;
        _daemon.AnswerValidationIgnored(1);
        var ignored = await Assert.ThrowsAsync<KuboValidationIgnoredException>(() => _client.PubsubPublishAsync("fl/round", "x"u8.ToArray(), CancellationToken.None));

        Assert.Equal(KuboFixtures.PubsubDisabled, off.KuboMessage);
        Assert.Equal("validation ignored", ignored.KuboMessage);
    }

    [Fact]
    public async Task Subscribe_ReturnsOnceSubscribed_ReadsEveryLine_AndClosingUnsubscribes()
    {
        var stream = await _client.PubsubSubscribeAsync("fl/round", 4096, CancellationToken.None);
        try
        {
            AssertPlainPost(Last("pubsub/sub"), "POST /api/v0/pubsub/sub?arg=uZmwvcm91bmQ");
            Assert.Equal(1, _daemon.OpenStreams("fl/round"));
            foreach (string line in KuboFixtures.Sub1.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                _daemon.Inject("fl/round", line);
            }

            var first = await stream.ReadLineAsync(CancellationToken.None);
            string firstText = Encoding.UTF8.GetString(first!.Value.Bytes.Span);
            var second = await stream.ReadLineAsync(CancellationToken.None);

            Assert.Equal(KuboFixtures.Sub1.Split('\n')[0], firstText);
            Assert.Contains(KuboFixtures.PeerA, Encoding.UTF8.GetString(second!.Value.Bytes.Span), StringComparison.Ordinal);
        }
        finally
        {
            await stream.DisposeAsync();
        }

        await Eventually.TrueAsync(() => _daemon.OpenStreams("fl/round") == 0, "the daemon saw the stream close", seconds: 20);
    }

    [Fact]
    public async Task Subscribe_StreamEndIsNull_ADroppedConnectionThrowsUnreachable()
    {
        await using var ending = await _client.PubsubSubscribeAsync("a", 4096, CancellationToken.None);
        await using var breaking = await _client.PubsubSubscribeAsync("b", 4096, CancellationToken.None);

        _daemon.EndStreams();
        Assert.Null(await ending.ReadLineAsync(CancellationToken.None));
        Assert.Null(ending.StreamError);

        var fresh = await _client.PubsubSubscribeAsync("c", 4096, CancellationToken.None);
        await using (fresh)
        {
            _daemon.BreakStreams();
            await Assert.ThrowsAsync<KuboUnreachableException>(async () => await fresh.ReadLineAsync(CancellationToken.None));
        }
    }

    [Fact]
    public async Task Subscribe_WithPubsubOff_IsTheTypedException()
    {
        _daemon.PubsubEnabled = false;

        var error = await Assert.ThrowsAsync<KuboPubsubDisabledException>(() => _client.PubsubSubscribeAsync("fl/round", 4096, CancellationToken.None));

        Assert.Contains("--enable-pubsub-experiment", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_DecodesTheTopics_AndNullIsEmpty()
    {
        Assert.Empty(await _client.PubsubListAsync(CancellationToken.None));
        _daemon.Intercept = async context =>
        {
            await context.Response.WriteAsync("""{"Strings":["uZmwvcm91bmQ","uZmwtbW9kZWxz"]}""" + "\n");
            return true;
        };

        var topics = await _client.PubsubListAsync(CancellationToken.None);

        AssertPlainPost(Last("pubsub/ls"), "POST /api/v0/pubsub/ls");
        Assert.Equal(["fl/round", "fl-models"], topics);
    }

    [Fact]
    public async Task Peers_OfATopic_AndOfAll()
    {
        var other = await _network.StartDaemonAsync();
        _network.Connect(_daemon, other);
        await using var subscription = await Client(other.ApiUri).PubsubSubscribeAsync("fl/round", 4096, CancellationToken.None);

        var onTopic = await _client.PubsubPeersAsync("fl/round", CancellationToken.None);
        AssertPlainPost(Last("pubsub/peers"), "POST /api/v0/pubsub/peers?arg=uZmwvcm91bmQ");
        var onOther = await _client.PubsubPeersAsync("fl-models", CancellationToken.None);
        var all = await _client.PubsubPeersAsync(null, CancellationToken.None);
        AssertPlainPost(Last("pubsub/peers"), "POST /api/v0/pubsub/peers");

        Assert.Equal([KuboFixtures.PeerB], onTopic);
        Assert.Empty(onOther);
        Assert.Equal([KuboFixtures.PeerB], all);
    }

    [Fact]
    public async Task BlockPutAndGet_MoveTheBytesByTheirRawCid()
    {
        string cid = await _client.BlockPutAsync(KuboFixtures.HelloWorld, CancellationToken.None);
        var put = Last("block/put");
        byte[] block = await _client.BlockGetAsync(cid, TimeSpan.FromSeconds(5), 1024, CancellationToken.None);

        Assert.Equal(KuboFixtures.Raw, cid);
        Assert.Equal("POST /api/v0/block/put?cid-codec=raw&format=raw", put.Line);
        Assert.Equal(KuboFixtures.MultipartBody(put.Boundary, "block", KuboFixtures.HelloWorld), put.Body);
        AssertPlainPost(Last("block/get"), $"POST /api/v0/block/get?arg={KuboFixtures.Raw}&timeout=5s");
        Assert.Equal(KuboFixtures.HelloWorld, block);
    }

    [Fact]
    public async Task BlockGet_BadCid_IsKubosError_UnknownCidTimesOut_TooBigIsRefused()
    {
        var bad = await Assert.ThrowsAsync<KuboException>(() => _client.BlockGetAsync("bafyBAD", TimeSpan.FromSeconds(1), 1024, CancellationToken.None));
        var missing = await Assert.ThrowsAsync<KuboException>(() => _client.BlockGetAsync(KuboFixtures.Raw, TimeSpan.FromMilliseconds(300), 1024, CancellationToken.None));
        await _client.BlockPutAsync(KuboFixtures.HelloWorld, CancellationToken.None);
        await Assert.ThrowsAsync<InvalidDataException>(() => _client.BlockGetAsync(KuboFixtures.Raw, TimeSpan.FromSeconds(1), 5, CancellationToken.None));

        Assert.Equal("invalid path \"bafyBAD\": path does not have enough components", bad.KuboMessage);
        Assert.Equal("context deadline exceeded", missing.KuboMessage);
        Assert.EndsWith("&timeout=300ms", _daemon.RequestsTo("block/get")[1].Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwarmPeersAndConnect_ListConnectionsAndDial()
    {
        var b = await _network.StartDaemonAsync();
        var c = await _network.StartDaemonAsync();
        c.RefuseDials = true;
        Assert.Empty(await _client.SwarmPeersAsync(CancellationToken.None));

        var connected = await _client.SwarmConnectAsync(b.PeerMultiaddr, CancellationToken.None);
        AssertPlainPost(Last("swarm/connect"), $"POST /api/v0/swarm/connect?arg=/ip4/127.0.0.1/tcp/4002/p2p/{KuboFixtures.PeerB}");
        var peers = await _client.SwarmPeersAsync(CancellationToken.None);
        AssertPlainPost(Last("swarm/peers"), "POST /api/v0/swarm/peers");
        var refused = await Assert.ThrowsAsync<KuboException>(() => _client.SwarmConnectAsync(c.PeerMultiaddr, CancellationToken.None));
        var noId = await Assert.ThrowsAsync<KuboException>(() => _client.SwarmConnectAsync(c.SwarmAddress, CancellationToken.None));

        Assert.Equal([$"connect {KuboFixtures.PeerB} success"], connected);
        var peer = Assert.Single(peers);
        Assert.Equal((b.SwarmAddress, KuboFixtures.PeerB), (peer.Addr, peer.Peer));
        Assert.StartsWith($"connect {KuboFixtures.PeerC} failure: failed to dial", refused.KuboMessage, StringComparison.Ordinal);
        Assert.Equal("invalid p2p multiaddr", noId.KuboMessage);
    }

    [Fact]
    public async Task Bootstrap_AddRemoveAndRemoveAll()
    {
        string peer = $"/ip4/10.0.0.10/tcp/4001/p2p/{KuboFixtures.PeerC}";

        var removedAll = await _client.BootstrapRemoveAllAsync(CancellationToken.None);
        AssertPlainPost(Last("bootstrap/rm/all"), "POST /api/v0/bootstrap/rm/all");
        var added = await _client.BootstrapAddAsync([peer], CancellationToken.None);
        AssertPlainPost(Last("bootstrap/add"), $"POST /api/v0/bootstrap/add?arg={peer}");
        var invalid = await Assert.ThrowsAsync<KuboException>(() => _client.BootstrapAddAsync(["/ip4/10.0.0.10/tcp/4001"], CancellationToken.None));
        var removed = await _client.BootstrapRemoveAsync([peer], CancellationToken.None);
        AssertPlainPost(Last("bootstrap/rm"), $"POST /api/v0/bootstrap/rm?arg={peer}");

        Assert.Equal(["auto"], removedAll);
        Assert.Equal([peer], added);
        Assert.Equal("invalid bootstrap address: /ip4/10.0.0.10/tcp/4001", invalid.KuboMessage);
        Assert.Equal([peer], removed);
        Assert.Empty(_daemon.BootstrapList);
    }

    [Theory]
    [InlineData(404, "text/plain; charset=utf-8", "404 page not found", typeof(KuboRequestRejectedException), "404 page not found")]
    [InlineData(405, "text/plain; charset=utf-8", "405 - Method Not Allowed", typeof(KuboRequestRejectedException), "405 - Method Not Allowed")]
    [InlineData(400, "text/plain; charset=utf-8", "argument \"topic\" is required", typeof(KuboRequestRejectedException), "argument \"topic\" is required")]
    [InlineData(403, "text/plain", "Kubo RPC Access Denied: Please provide sufficient credentials", typeof(KuboRequestRejectedException), "Kubo RPC Access Denied: Please provide sufficient credentials")]
    [InlineData(400, "application/json", """{"Message":"bad flag","Code":1,"Type":"error"}""", typeof(KuboException), "bad flag")]
    [InlineData(500, "text/plain", "internal", typeof(KuboException), "internal")]
    public async Task ErrorAnswers_BecomeTypedExceptions_CarryingTheDaemonsText(int status, string contentType, string body, Type expected, string message)
    {
        _daemon.Intercept = async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body);
            return true;
        };

        var error = await Assert.ThrowsAnyAsync<KuboException>(() => _client.VersionAsync(CancellationToken.None));

        Assert.Equal(expected, error.GetType());
        Assert.Equal(message, error.KuboMessage);
        Assert.Equal((HttpStatusCode)status, error.Status);
    }

    [Fact]
    public async Task AnUnparseableAnswer_IsAKuboExceptionSayingSo()
    {
        _daemon.Intercept = async context =>
        {
            await context.Response.WriteAsync("{\"Version\":");
            return true;
        };

        var error = await Assert.ThrowsAsync<KuboException>(() => _client.VersionAsync(CancellationToken.None));

        Assert.Contains("unexpected answer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoDaemon_OrNoAnswer_IsUnreachable()
    {
        var closed = Client(new Uri($"http://127.0.0.1:{Brokers.FreePort()}/"));
        var refused = await Assert.ThrowsAsync<KuboUnreachableException>(() => closed.VersionAsync(CancellationToken.None));

        _daemon.Intercept = async context =>
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
            return true;
        };
        var slow = Client(_daemon.ApiUri, TimeSpan.FromMilliseconds(300));
        var silent = await Assert.ThrowsAsync<KuboUnreachableException>(() => slow.VersionAsync(CancellationToken.None));
        var silentSub = await Assert.ThrowsAsync<KuboUnreachableException>(() => slow.PubsubSubscribeAsync("t", 4096, CancellationToken.None));

        Assert.Contains("unreachable", refused.Message, StringComparison.Ordinal);
        Assert.Contains("did not answer version within 0.3 s", silent.Message, StringComparison.Ordinal);
        Assert.Contains("did not answer pubsub/sub", silentSub.Message, StringComparison.Ordinal);
    }
}
