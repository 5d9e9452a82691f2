namespace IplsCore.Transport.Kubo;

/// <summary>
/// An open <c>pubsub/sub</c> response: one JSON line per message, for as long as the daemon keeps
/// it open. Disposing it closes the response, which is how Kubo is told to unsubscribe.
/// </summary>
internal sealed class KuboPubsubStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly CancellationTokenSource _lifetime;
    private readonly NdjsonLineReader _reader;

    public KuboPubsubStream(HttpResponseMessage response, Stream body, CancellationTokenSource lifetime, int maxLineBytes)
    {
        _response = response;
        _body = body;
        _lifetime = lifetime;
        _reader = new NdjsonLineReader(body, maxLineBytes);
    }

    /// <summary>The next line (valid until the next call); null when the daemon ended the stream. A dropped connection throws <see cref="KuboUnreachableException"/>.</summary>
    public async ValueTask<NdjsonLine?> ReadLineAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        try
        {
            return await _reader.ReadLineAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // A daemon that stops drops the socket mid-chunk: an IOException, not a clean end.
            throw new KuboUnreachableException($"pubsub stream broke: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// After the end: the error Kubo reported in the <c>X-Stream-Error</c> trailer (an error after the
    /// stream began keeps status 200), or null.
    /// </summary>
    public string? StreamError =>
        _response.TrailingHeaders.TryGetValues("X-Stream-Error", out var values) ? string.Join("; ", values) : null;

    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _body.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
        _lifetime.Dispose();
    }
}
