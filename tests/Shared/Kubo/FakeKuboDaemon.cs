using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IplsCore.Tests.Transport.Kubo;

/// <summary>
/// A Kubo daemon's RPC API as the contract describes it, on a real Kestrel at 127.0.0.1: the
/// endpoints IPLS uses, Kubo's status codes, headers, JSON shapes and error messages, and a strict
/// check of every request (POST only, no Origin, multibase topics, the fixtures' multipart form).
/// Records every request for byte-level assertions and lets tests break things: end or drop
/// subscription streams, lose subscriptions silently, turn pubsub off, answer "validation ignored",
/// corrupt blocks, inject raw stream lines, refuse swarm dials.
/// </summary>
internal sealed partial class FakeKuboDaemon
{
    private readonly FakeKuboNetwork _network;
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<long, Subscriber> _subscribers = new();
    private readonly List<string> _bootstrap = ["auto"];
    private readonly Lock _gate = new();
    private long _nextSubscriber;
    private int _publishesInFlight;
    private int _validationIgnored;

    private FakeKuboDaemon(FakeKuboNetwork network, WebApplication app, string peerId, string swarmAddress)
    {
        _network = network;
        _app = app;
        PeerId = peerId;
        SwarmAddress = swarmAddress;
    }

    public string PeerId { get; }

    /// <summary>Where other daemons "dial" it (a label; nothing listens there).</summary>
    public string SwarmAddress { get; }

    public string PeerMultiaddr => SwarmAddress + "/p2p/" + PeerId;

    public Uri ApiUri { get; private set; } = null!;

    public int Port => ApiUri.Port;

    public string ApiMultiaddr => $"/ip4/127.0.0.1/tcp/{Port}";

    public ConcurrentQueue<RecordedKuboRequest> Requests { get; } = new();

    public bool PubsubEnabled { get; set; } = true;

    /// <summary>How long a publish takes (to see whether publishes overlap).</summary>
    public TimeSpan PublishDelay { get; set; }

    /// <summary>Most publishes seen in flight at once.</summary>
    public int MaxConcurrentPublishes { get; private set; }

    /// <summary>Rewrites blocks on their way out of <c>block/get</c> (a corrupt or lying daemon).</summary>
    public Func<byte[], byte[]>? TamperBlocks { get; set; }

    /// <summary>Answers the request itself when it returns true (fixture answers the fake does not model).</summary>
    public Func<HttpContext, Task<bool>>? Intercept { get; set; }

    public bool RefuseDials { get; set; }

    public IReadOnlyList<string> BootstrapList
    {
        get
        {
            lock (_gate)
            {
                return [.. _bootstrap];
            }
        }
    }

    public static async Task<FakeKuboDaemon> StartAsync(FakeKuboNetwork network, string peerId, string swarmAddress, int? port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port ?? 0));
        var app = builder.Build();
        var daemon = new FakeKuboDaemon(network, app, peerId, swarmAddress);
        app.Run(daemon.HandleAsync);
        await app.StartAsync();
        var address = app.Urls.Single();
        daemon.ApiUri = new Uri(address.EndsWith('/') ? address : address + "/");
        return daemon;
    }

    /// <summary>Answers the next <paramref name="count"/> publishes with Kubo 0.40's "validation ignored".</summary>
    public void AnswerValidationIgnored(int count) => Interlocked.Exchange(ref _validationIgnored, count);

    public IReadOnlyList<RecordedKuboRequest> RequestsTo(string command) =>
        [.. Requests.Where(r => r.Path == "/api/v0/" + command)];

    public int OpenStreams(string topic) => _subscribers.Values.Count(s => s.Topic == topic && !s.Lost);

    /// <summary>Ends every subscription stream cleanly (the daemon closed it).</summary>
    public void EndStreams()
    {
        foreach (var subscriber in _subscribers.Values)
        {
            subscriber.Events.Writer.TryWrite(SubscriberEvent.Ended);
        }
    }

    /// <summary>Drops every subscription's connection mid-stream (a daemon killed or restarted).</summary>
    public void BreakStreams()
    {
        foreach (var subscriber in _subscribers.Values)
        {
            subscriber.Events.Writer.TryWrite(SubscriberEvent.Broken);
        }
    }

    /// <summary>Forgets every subscription but keeps the streams open: no more messages, not in pubsub/ls.</summary>
    public void LoseSubscriptionsSilently()
    {
        foreach (var subscriber in _subscribers.Values)
        {
            subscriber.Lost = true;
        }
    }

    /// <summary>Writes a raw line to this daemon's subscribers of <paramref name="topic"/>.</summary>
    public void Inject(string topic, string line) => Deliver(topic, line);

    public void Deliver(string topic, string line)
    {
        foreach (var subscriber in _subscribers.Values)
        {
            if (subscriber.Topic == topic && !subscriber.Lost)
            {
                subscriber.Events.Writer.TryWrite(new SubscriberEvent(line, End: false, Break: false));
            }
        }
    }

    public async Task StopAsync()
    {
        EndStreams();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private static async Task Json(HttpContext context, int status, string json, bool chunked = false)
    {
        context.Response.StatusCode = status;
        CommonHeaders(context.Response);
        context.Response.ContentType = "application/json";
        if (chunked)
        {
            context.Response.Headers["X-Chunked-Output"] = "1";
        }

        if (json.Length > 0)
        {
            await context.Response.WriteAsync(json + "\n");
        }
    }

    private static Task Error(HttpContext context, string message) => Json(context, 500, KuboFixtures.ErrorJson(message));

    private static async Task Text(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers["Vary"] = "Origin";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        await context.Response.WriteAsync(text);
    }

    private static void CommonHeaders(HttpResponse response)
    {
        response.Headers["Access-Control-Allow-Headers"] = "X-Stream-Output, X-Chunked-Output, X-Content-Length";
        response.Headers["Access-Control-Expose-Headers"] = "X-Stream-Output, X-Chunked-Output, X-Content-Length";
        response.Headers["Server"] = "kubo/0.41.0";
        response.Headers["Trailer"] = "X-Stream-Error";
        response.Headers["Vary"] = "Origin";
    }

    /// <summary>The topic of <c>arg</c>, decoded as Kubo ≥ 0.11 does; null after answering Kubo's error.</summary>
    private static async Task<string?> TopicArgAsync(HttpContext context, bool required)
    {
        string? arg = context.Request.Query["arg"].FirstOrDefault();
        if (arg is null)
        {
            if (required)
            {
                await Text(context, 400, "argument \"topic\" is required");
            }

            return required ? null : string.Empty;
        }

        if (arg.Length == 0 || arg[0] is not ('u' or 'm' or 'U' or 'f' or 'b' or 'z'))
        {
            await Error(context, $"URL arg must be multibase encoded: unknown multibase prefix '{(arg.Length == 0 ? ' ' : arg[0])}'");
            return null;
        }

        if (arg[0] != 'u')
        {
            await Error(context, "URL arg must be base64url encoded");
            return null;
        }

        byte[]? bytes = KuboFixtures.FromMultibase(arg);
        if (bytes is null)
        {
            await Error(context, "URL arg must be multibase encoded: illegal base64 data");
            return null;
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>The one file part of a request, which must be exactly the fixtures' form; null after answering 400.</summary>
    private static async Task<byte[]?> FilePartAsync(HttpContext context, RecordedKuboRequest request)
    {
        var match = context.Request.ContentType is { } type ? MultipartType().Match(type) : Match.Empty;
        if (!match.Success)
        {
            await Text(context, 400, "file argument 'data' is required");
            return null;
        }

        string boundary = match.Groups[1].Value;
        string text = Encoding.Latin1.GetString(request.Body);
        var part = MultipartPart().Match(text);
        if (!part.Success || part.Groups["b1"].Value != boundary || part.Groups["b2"].Value != boundary)
        {
            await Text(context, 400, "fake kubo: the multipart body is not one file part in the contract's form");
            return null;
        }

        return Encoding.Latin1.GetBytes(part.Groups["payload"].Value);
    }

    private static bool LooksLikeCid(string text) => CidPattern().IsMatch(text);

    [GeneratedRegex("^multipart/form-data; boundary=([A-Za-z0-9'()+_,\\-./:=?]{1,70})$")]
    private static partial Regex MultipartType();

    [GeneratedRegex("\\A--(?<b1>[^\\r\\n]+)\\r\\nContent-Disposition: form-data; name=\"file\"; filename=\"(?<name>[^\"\\r\\n]+)\"\\r\\nContent-Type: application/octet-stream\\r\\n\\r\\n(?<payload>.*)\\r\\n--(?<b2>[^\\r\\n]+)--\\r\\n\\z", RegexOptions.Singleline)]
    private static partial Regex MultipartPart();

    [GeneratedRegex("^(Qm[1-9A-HJ-NP-Za-km-z]{44}|b[a-z2-7]{50,})$")]
    private static partial Regex CidPattern();

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var request = new RecordedKuboRequest(
            context.Request.Method,
            context.Request.Path.Value ?? string.Empty,
            context.Request.QueryString.Value ?? string.Empty,
            context.Request.ContentType,
            context.Request.ContentLength,
            body.ToArray(),
            context.Request.Headers.Origin.FirstOrDefault(),
            context.Request.Headers.UserAgent.FirstOrDefault());
        Requests.Enqueue(request);
        if (Intercept is { } intercept && await intercept(context))
        {
            return;
        }

        if (request.Method != "POST")
        {
            context.Response.Headers["Allow"] = "OPTIONS, POST";
            await Text(context, 405, "405 - Method Not Allowed");
            return;
        }

        if (request.Origin is not null || request.UserAgent?.StartsWith("Mozilla", StringComparison.Ordinal) == true)
        {
            await Text(context, 403, "403 - Forbidden");
            return;
        }

        switch (request.Path)
        {
            case "/api/v0/id":
                await IdAsync(context);
                break;
            case "/api/v0/version":
                await Json(context, 200, KuboFixtures.Version);
                break;
            case "/api/v0/pubsub/pub":
                await PublishAsync(context, request);
                break;
            case "/api/v0/pubsub/sub":
                await SubscribeAsync(context);
                break;
            case "/api/v0/pubsub/ls":
                await ListAsync(context);
                break;
            case "/api/v0/pubsub/peers":
                await PeersAsync(context);
                break;
            case "/api/v0/block/put":
                await BlockPutAsync(context, request);
                break;
            case "/api/v0/block/get":
                await BlockGetAsync(context);
                break;
            case "/api/v0/swarm/peers":
                await SwarmPeersAsync(context);
                break;
            case "/api/v0/swarm/connect":
                await SwarmConnectAsync(context);
                break;
            case "/api/v0/bootstrap/add":
                await BootstrapAddAsync(context);
                break;
            case "/api/v0/bootstrap/rm" or "/api/v0/bootstrap/rm/all":
                await BootstrapRemoveAsync(context, request.Path.EndsWith("/all", StringComparison.Ordinal) || context.Request.Query["all"] == "true");
                break;
            default:
                await Text(context, 404, "404 page not found");
                break;
        }
    }

    private async Task IdAsync(HttpContext context)
    {
        string? arg = context.Request.Query["arg"].FirstOrDefault();
        if (arg is null)
        {
            await Json(context, 200, KuboFixtures.IdJson(PeerId, PubsubEnabled));
            return;
        }

        var other = _network.ByPeerId(arg);
        await (other is null ? Error(context, "invalid peer id") : Json(context, 200, KuboFixtures.IdJson(other.PeerId, other.PubsubEnabled)));
    }

    private async Task PublishAsync(HttpContext context, RecordedKuboRequest request)
    {
        if (!PubsubEnabled)
        {
            await Error(context, KuboFixtures.PubsubDisabled);
            return;
        }

        if (await TopicArgAsync(context, required: true) is not { } topic || await FilePartAsync(context, request) is not { } payload)
        {
            return;
        }

        int inFlight = Interlocked.Increment(ref _publishesInFlight);
        try
        {
            lock (_gate)
            {
                MaxConcurrentPublishes = Math.Max(MaxConcurrentPublishes, inFlight);
            }

            if (PublishDelay > TimeSpan.Zero)
            {
                await Task.Delay(PublishDelay);
            }

            if (Interlocked.Decrement(ref _validationIgnored) >= 0)
            {
                await Error(context, "validation ignored");
                return;
            }

            Interlocked.Exchange(ref _validationIgnored, 0);
            _network.Publish(this, topic, payload);
            await Json(context, 200, string.Empty, chunked: true);
        }
        finally
        {
            Interlocked.Decrement(ref _publishesInFlight);
        }
    }

    private async Task SubscribeAsync(HttpContext context)
    {
        if (!PubsubEnabled)
        {
            await Error(context, KuboFixtures.PubsubDisabled);
            return;
        }

        if (await TopicArgAsync(context, required: true) is not { } topic)
        {
            return;
        }

        long id = Interlocked.Increment(ref _nextSubscriber);
        var subscriber = new Subscriber(topic);
        _subscribers[id] = subscriber;
        try
        {
            context.Response.StatusCode = 200;
            CommonHeaders(context.Response);
            context.Response.ContentType = "application/json";
            context.Response.Headers["X-Chunked-Output"] = "1";
            await context.Response.StartAsync(context.RequestAborted); // headers go out at once: subscribed
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await foreach (var item in subscriber.Events.Reader.ReadAllAsync(context.RequestAborted))
            {
                if (item.End)
                {
                    return;
                }

                if (item.Break)
                {
                    context.Abort();
                    return;
                }

                await context.Response.WriteAsync(item.Line + "\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The client closed the response: Kubo's unsubscribe.
        }
        finally
        {
            _subscribers.TryRemove(id, out _);
        }
    }

    private async Task ListAsync(HttpContext context)
    {
        if (!PubsubEnabled)
        {
            await Error(context, KuboFixtures.PubsubDisabled);
            return;
        }

        var topics = _subscribers.Values.Where(s => !s.Lost).Select(s => s.Topic).Distinct().Select(KuboFixtures.Multibase).ToList();
        await Json(context, 200, KuboFixtures.Strings(topics.Count == 0 ? null : topics));
    }

    private async Task PeersAsync(HttpContext context)
    {
        if (!PubsubEnabled)
        {
            await Error(context, KuboFixtures.PubsubDisabled);
            return;
        }

        if (await TopicArgAsync(context, required: false) is not { } topic)
        {
            return;
        }

        var peers = _network.ConnectedTo(this)
            .Where(d => d._subscribers.Values.Any(s => !s.Lost && (topic.Length == 0 || s.Topic == topic)))
            .Select(d => d.PeerId)
            .Order(StringComparer.Ordinal);
        await Json(context, 200, KuboFixtures.Strings(peers));
    }

    private async Task BlockPutAsync(HttpContext context, RecordedKuboRequest request)
    {
        if (await FilePartAsync(context, request) is not { } block)
        {
            return;
        }

        if (block.Length > 2 * 1024 * 1024)
        {
            await Error(context, "produced block is over 2MiB: big blocks can't be exchanged with other peers. consider using UnixFS for automatic chunking of bigger files, or pass --allow-big-block to override");
            return;
        }

        string cid = ComputeRawCid(block);
        _network.Blocks[cid] = block;
        await Json(context, 200, $"{{\"Key\":\"{cid}\",\"Size\":{KuboFixtures.Int(block.Length)}}}", chunked: true);
    }

    private async Task BlockGetAsync(HttpContext context)
    {
        string? cid = context.Request.Query["arg"].FirstOrDefault();
        if (cid is null)
        {
            await Text(context, 400, "argument \"cid\" is required");
            return;
        }

        if (!LooksLikeCid(cid))
        {
            await Error(context, $"invalid path \"{cid}\": path does not have enough components");
            return;
        }

        // Kubo searches the network until its timeout parameter runs out.
        string timeoutArg = context.Request.Query["timeout"].FirstOrDefault() ?? "60s";
        var timeout = timeoutArg.EndsWith("ms", StringComparison.Ordinal)
            ? TimeSpan.FromMilliseconds(double.Parse(timeoutArg[..^2], System.Globalization.CultureInfo.InvariantCulture))
            : TimeSpan.FromSeconds(double.Parse(timeoutArg.TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture));
        var deadline = DateTime.UtcNow + timeout;
        byte[]? block;
        while (!_network.Blocks.TryGetValue(cid, out block))
        {
            if (DateTime.UtcNow > deadline)
            {
                await Error(context, "context deadline exceeded");
                return;
            }

            await Task.Delay(20, context.RequestAborted);
        }

        byte[] answer = TamperBlocks is { } tamper ? tamper(block) : block;
        context.Response.StatusCode = 200;
        CommonHeaders(context.Response);
        context.Response.ContentType = "application/vnd.ipld.raw";
        context.Response.Headers["X-Stream-Output"] = "1";
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }

    private async Task SwarmPeersAsync(HttpContext context)
    {
        var peers = _network.ConnectedTo(this).OrderBy(d => d.SwarmAddress, StringComparer.Ordinal).ToList();
        if (peers.Count == 0)
        {
            await Json(context, 200, """{"Peers":null}""");
            return;
        }

        const string identify = """{"ID":"","PublicKey":"","Addresses":null,"AgentVersion":"","Protocols":null}""";
        string list = string.Join(',', peers.Select(d => $"{{\"Addr\":\"{d.SwarmAddress}\",\"Peer\":\"{d.PeerId}\",\"Identify\":{identify}}}"));
        await Json(context, 200, $"{{\"Peers\":[{list}]}}");
    }

    private async Task SwarmConnectAsync(HttpContext context)
    {
        var results = new List<string>();
        foreach (string? address in context.Request.Query["arg"])
        {
            int at = address?.LastIndexOf("/p2p/", StringComparison.Ordinal) ?? -1;
            if (address is null || at < 0)
            {
                await Error(context, "invalid p2p multiaddr");
                return;
            }

            string id = address[(at + "/p2p/".Length)..];
            var target = _network.ByPeerId(id);
            if (target is null || target.RefuseDials || target.SwarmAddress != address[..at])
            {
                await Error(context, $"connect {id} failure: failed to dial: failed to dial {id}: all dials failed\n  * [{address[..at]}] dial tcp4: connect: connection refused");
                return;
            }

            _network.Connect(this, target);
            results.Add($"connect {id} success");
        }

        await Json(context, 200, KuboFixtures.Strings(results));
    }

    private async Task BootstrapAddAsync(HttpContext context)
    {
        var added = new List<string>();
        foreach (string? address in context.Request.Query["arg"])
        {
            if (address is null || !address.Contains("/p2p/", StringComparison.Ordinal))
            {
                await Error(context, $"invalid bootstrap address: {address}");
                return;
            }

            lock (_gate)
            {
                if (!_bootstrap.Contains(address))
                {
                    _bootstrap.Add(address);
                    added.Add(address);
                }
            }
        }

        await Json(context, 200, JsonSerializer.Serialize(new Dictionary<string, object> { ["Peers"] = added }));
    }

    private async Task BootstrapRemoveAsync(HttpContext context, bool all)
    {
        var removed = new List<string>();
        lock (_gate)
        {
            if (all)
            {
                removed.AddRange(_bootstrap);
                _bootstrap.Clear();
            }
            else
            {
                foreach (string? address in context.Request.Query["arg"])
                {
                    if (address is not null && _bootstrap.Remove(address))
                    {
                        removed.Add(address);
                    }
                }
            }
        }

        await Json(context, 200, JsonSerializer.Serialize(new Dictionary<string, object> { ["Peers"] = removed }));
    }

    /// <summary>CIDv1 raw sha2-256 in base32, computed here independently of the library.</summary>
    private static string ComputeRawCid(byte[] block)
    {
        byte[] cid = [0x01, 0x55, 0x12, 0x20, .. SHA256.HashData(block)];
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var bits = new StringBuilder();
        foreach (byte b in cid)
        {
            bits.Append(Convert.ToString(b, 2).PadLeft(8, '0'));
        }

        while (bits.Length % 5 != 0)
        {
            bits.Append('0');
        }

        var text = new StringBuilder("b");
        for (int i = 0; i < bits.Length; i += 5)
        {
            text.Append(alphabet[Convert.ToInt32(bits.ToString(i, 5), 2)]);
        }

        return text.ToString();
    }

    private sealed class Subscriber(string topic)
    {
        public string Topic { get; } = topic;

        public Channel<SubscriberEvent> Events { get; } = Channel.CreateUnbounded<SubscriberEvent>();

        public bool Lost { get; set; }
    }

    private sealed record SubscriberEvent(string? Line, bool End, bool Break)
    {
        public static readonly SubscriberEvent Ended = new(null, true, false);

        public static readonly SubscriberEvent Broken = new(null, false, true);
    }
}
