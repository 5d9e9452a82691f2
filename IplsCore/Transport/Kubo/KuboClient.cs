using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace IplsCore.Transport.Kubo;

/// <summary>
/// A typed <see cref="HttpClient"/> for the Kubo RPC API (<c>POST /api/v0/…</c>), the calls IPLS
/// needs and nothing more: identity, pubsub, raw blocks, swarm and bootstrap. Topics are given as
/// plain text and multibase-encoded here. Daemon refusals throw <see cref="KuboException"/> (or a
/// subclass) carrying Kubo's own message; no answer throws <see cref="KuboUnreachableException"/>.
/// The <see cref="HttpClient"/> must have its <c>BaseAddress</c> set and an infinite
/// <c>Timeout</c> (subscriptions stay open): unary calls get <paramref name="requestTimeout"/> here.
/// </summary>
internal sealed class KuboClient(HttpClient http, TimeSpan requestTimeout)
{
    /// <summary>Answers of unary calls are small JSON objects; anything bigger is not a Kubo answer we asked for.</summary>
    private const int MaxAnswerBytes = 1024 * 1024;

    public Uri BaseAddress => http.BaseAddress ?? throw new InvalidOperationException("The HttpClient needs a BaseAddress.");

    /// <summary>An <see cref="HttpClient"/> set up for <see cref="KuboClient"/>: base address, no overall timeout, short connect timeout.</summary>
    public static HttpClient CreateHttpClient(Uri baseUri, TimeSpan connectTimeout) =>
        new(new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        })
        {
            BaseAddress = baseUri,
            Timeout = Timeout.InfiniteTimeSpan,
        };

    public Task<KuboIdentity> IdAsync(string? peerId, CancellationToken cancellationToken) =>
        CallAsync("id", KuboQuery.Empty.Arg(peerId), null, KuboJsonContext.Default.KuboIdentity, cancellationToken);

    public Task<KuboVersion> VersionAsync(CancellationToken cancellationToken) =>
        CallAsync("version", KuboQuery.Empty, null, KuboJsonContext.Default.KuboVersion, cancellationToken);

    /// <summary>Which daemon this is (<c>version</c>, then <c>id</c>).</summary>
    public async Task<IpfsDaemonInfo> IdentifyAsync(CancellationToken cancellationToken)
    {
        var version = await VersionAsync(cancellationToken).ConfigureAwait(false);
        var identity = await IdAsync(null, cancellationToken).ConfigureAwait(false);
        return IpfsDaemonInfo.From(version, identity);
    }

    /// <summary>Publishes one message (the file part's bytes are the message, Kubo ≥ 0.11).</summary>
    public async Task PubsubPublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using var body = new KuboFilePart("msg", data);
        await CallAsync("pubsub/pub", KuboQuery.Empty.Arg(Multibase.EncodeTopic(topic)), body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens a subscription; returns once Kubo answered 200 (its headers are flushed as soon as the
    /// subscription exists). The caller reads the stream and disposes it to unsubscribe.
    /// </summary>
    public async Task<KuboPubsubStream> PubsubSubscribeAsync(string topic, int maxLineBytes, CancellationToken cancellationToken)
    {
        const string command = "pubsub/sub";
        // Lives as long as the stream: disposing the stream cancels it, which closes the response.
        var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var send = SendAsync(command, KuboQuery.Empty.Arg(Multibase.EncodeTopic(topic)), null, lifetime.Token);
            HttpResponseMessage response;
            try
            {
                response = await send.WaitAsync(requestTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                await lifetime.CancelAsync().ConfigureAwait(false);
                throw new KuboUnreachableException($"Kubo API at {BaseAddress} did not answer {command} within {requestTimeout.TotalSeconds:0.#} s", ex);
            }

            Stream body;
            try
            {
                body = await response.Content.ReadAsStreamAsync(lifetime.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                response.Dispose();
                throw Unreachable(command, ex);
            }

            var stream = new KuboPubsubStream(response, body, lifetime, maxLineBytes);
            lifetime = null;
            return stream;
        }
        finally
        {
            lifetime?.Dispose();
        }
    }

    /// <summary>Topics this daemon is subscribed to, decoded (undecodable entries are left as sent).</summary>
    public async Task<IReadOnlyList<string>> PubsubListAsync(CancellationToken cancellationToken)
    {
        var answer = await CallAsync("pubsub/ls", KuboQuery.Empty, null, KuboJsonContext.Default.KuboStrings, cancellationToken).ConfigureAwait(false);
        return [.. (answer.Strings ?? []).Select(t => Multibase.DecodeTopic(t) ?? t)];
    }

    /// <summary>Peers this daemon exchanges pubsub messages with, on <paramref name="topic"/> or on any topic.</summary>
    public async Task<IReadOnlyList<string>> PubsubPeersAsync(string? topic, CancellationToken cancellationToken)
    {
        var query = KuboQuery.Empty.Arg(topic is null ? null : Multibase.EncodeTopic(topic));
        var answer = await CallAsync("pubsub/peers", query, null, KuboJsonContext.Default.KuboStrings, cancellationToken).ConfigureAwait(false);
        return answer.Strings ?? [];
    }

    /// <summary>
    /// Stores one raw block (CIDv1, raw, sha2-256, not pinned) and returns the CID the daemon gave it.
    /// Both codec flags are sent: Kubo reads <c>cid-codec</c> and still accepts the deprecated
    /// <c>format</c> next to <c>cid-codec=raw</c> (core/commands/block.go); js-ipfs ignores
    /// <c>cid-codec</c> and without <c>format=raw</c> stores a dag-pb CIDv0.
    /// </summary>
    public async Task<string> BlockPutAsync(ReadOnlyMemory<byte> block, CancellationToken cancellationToken)
    {
        using var body = new KuboFilePart("block", block);
        var query = KuboQuery.Empty.Add("cid-codec", "raw").Add("format", "raw");
        var answer = await CallAsync("block/put", query, body, KuboJsonContext.Default.KuboBlockStat, cancellationToken).ConfigureAwait(false);
        return answer.Key;
    }

    /// <summary>
    /// Fetches a block (from the local store or the network: Kubo gives up after
    /// <paramref name="timeout"/>). Throws <see cref="InvalidDataException"/> when the answer is longer than <paramref name="maxBytes"/>.
    /// </summary>
    public async Task<byte[]> BlockGetAsync(string cid, TimeSpan timeout, int maxBytes, CancellationToken cancellationToken)
    {
        const string command = "block/get";
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout + requestTimeout);
        try
        {
            using var response = await SendAsync(command, KuboQuery.Empty.Arg(cid).Timeout(timeout), null, deadline.Token).ConfigureAwait(false);
            return await ReadBoundedAsync(response.Content, maxBytes, deadline.Token).ConfigureAwait(false)
                ?? throw new InvalidDataException($"Kubo {command} {cid}: answer longer than {maxBytes} bytes");
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KuboUnreachableException($"Kubo API at {BaseAddress} did not deliver {cid} within {(timeout + requestTimeout).TotalSeconds:0.#} s", ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw Unreachable(command, ex);
        }
    }

    public async Task<IReadOnlyList<KuboSwarmPeer>> SwarmPeersAsync(CancellationToken cancellationToken)
    {
        var answer = await CallAsync("swarm/peers", KuboQuery.Empty, null, KuboJsonContext.Default.KuboSwarmPeers, cancellationToken).ConfigureAwait(false);
        return answer.Peers ?? [];
    }

    /// <summary>Connects to a peer; <paramref name="peerMultiaddr"/> must end in <c>/p2p/&lt;id&gt;</c>. Returns Kubo's lines (<c>connect … success</c>).</summary>
    public async Task<IReadOnlyList<string>> SwarmConnectAsync(string peerMultiaddr, CancellationToken cancellationToken)
    {
        var answer = await CallAsync("swarm/connect", KuboQuery.Empty.Arg(peerMultiaddr), null, KuboJsonContext.Default.KuboStrings, cancellationToken).ConfigureAwait(false);
        return answer.Strings ?? [];
    }

    /// <summary>Adds peers (<c>…/p2p/&lt;id&gt;</c>) to the daemon's bootstrap list (its config file); returns those added.</summary>
    public async Task<IReadOnlyList<string>> BootstrapAddAsync(IEnumerable<string> peerMultiaddrs, CancellationToken cancellationToken)
    {
        var query = KuboQuery.Empty;
        foreach (string address in peerMultiaddrs)
        {
            query.Arg(address);
        }

        var answer = await CallAsync("bootstrap/add", query, null, KuboJsonContext.Default.KuboBootstrapList, cancellationToken).ConfigureAwait(false);
        return answer.Peers ?? [];
    }

    /// <summary>Removes peers from the bootstrap list; returns those removed.</summary>
    public async Task<IReadOnlyList<string>> BootstrapRemoveAsync(IEnumerable<string> peerMultiaddrs, CancellationToken cancellationToken)
    {
        var query = KuboQuery.Empty;
        foreach (string address in peerMultiaddrs)
        {
            query.Arg(address);
        }

        var answer = await CallAsync("bootstrap/rm", query, null, KuboJsonContext.Default.KuboBootstrapList, cancellationToken).ConfigureAwait(false);
        return answer.Peers ?? [];
    }

    /// <summary>Empties the bootstrap list (the private-network recipe's first step); returns what was removed.</summary>
    public async Task<IReadOnlyList<string>> BootstrapRemoveAllAsync(CancellationToken cancellationToken)
    {
        var answer = await CallAsync("bootstrap/rm/all", KuboQuery.Empty, null, KuboJsonContext.Default.KuboBootstrapList, cancellationToken).ConfigureAwait(false);
        return answer.Peers ?? [];
    }

    private static KuboUnreachableException Unreachable(string command, Exception ex) =>
        new($"Kubo API unreachable ({command}): {ex.Message}", ex);

    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            return null;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            byte[] chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private async Task<T> CallAsync<T>(string command, KuboQuery query, HttpContent? body, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        byte[] answer = await CallAsync(command, query, body, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(answer, type) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new KuboException(command, HttpStatusCode.OK, $"unexpected answer ({ex.Message}): {Excerpt(answer)}", null);
        }
    }

    private async Task<byte[]> CallAsync(string command, KuboQuery query, HttpContent? body, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(requestTimeout);
        try
        {
            using var response = await SendAsync(command, query, body, deadline.Token).ConfigureAwait(false);
            return await ReadBoundedAsync(response.Content, MaxAnswerBytes, deadline.Token).ConfigureAwait(false)
                ?? throw new KuboException(command, response.StatusCode, $"answer longer than {MaxAnswerBytes} bytes", null);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KuboUnreachableException($"Kubo API at {BaseAddress} did not answer {command} within {requestTimeout.TotalSeconds:0.#} s", ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw Unreachable(command, ex);
        }
    }

    /// <summary>Sends the POST and returns the response once its headers are in; a non-2xx answer becomes the matching <see cref="KuboException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(string command, KuboQuery query, HttpContent? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/v0/" + command + query, UriKind.Relative)) { Content = body };
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new KuboUnreachableException($"Kubo API at {BaseAddress} unreachable ({command}): {ex.Message}", ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ErrorAsync(command, response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<KuboException> ErrorAsync(string command, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            body = await ReadBoundedAsync(response.Content, 64 * 1024, cancellationToken).ConfigureAwait(false) ?? [];
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            body = [];
        }

        // Kubo answers command errors as JSON and requests refused before the command as plain text;
        // js-ipfs answers both as JSON. Read JSON whenever the body is JSON, whatever the content type says.
        if (LooksLikeJsonObject(body))
        {
            try
            {
                var error = JsonSerializer.Deserialize(body, KuboJsonContext.Default.KuboErrorBody);
                if (error?.Message is { } message)
                {
                    return Classify(command, response.StatusCode, message, error.Code);
                }
            }
            catch (JsonException)
            {
                // Not the daemons' error shape: report the text below.
            }
        }

        string text = Excerpt(body);
        return (int)response.StatusCode is >= 400 and < 500
            ? new KuboRequestRejectedException(command, response.StatusCode, text.Length == 0 ? $"HTTP {(int)response.StatusCode}" : text)
            : new KuboException(command, response.StatusCode, text.Length == 0 ? $"HTTP {(int)response.StatusCode}" : text, null);
    }

    private static KuboException Classify(string command, HttpStatusCode status, string message, int? code)
    {
        if (message.Contains("pubsub feature not enabled", StringComparison.Ordinal))
        {
            return new KuboPubsubDisabledException(command, status, message, code);
        }

        if (message.Contains("validation ignored", StringComparison.Ordinal))
        {
            return new KuboValidationIgnoredException(command, status, message, code);
        }

        if (message.Contains("InsufficientPeers", StringComparison.Ordinal))
        {
            return new KuboNoTopicPeersException(command, status, message, code);
        }

        return new KuboException(command, status, message, code);
    }

    private static bool LooksLikeJsonObject(byte[] body)
    {
        foreach (byte b in body)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            return b == (byte)'{';
        }

        return false;
    }

    private static string Excerpt(byte[] body)
    {
        string text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 512)).Trim();
        return body.Length > 512 ? text + "…" : text;
    }
}
