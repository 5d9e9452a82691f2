using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace IplsCore.Transport.Kubo;

/// <summary>
/// Keeps one <c>pubsub/sub</c> stream open for one topic: subscribes (retrying with backoff while
/// the daemon is away or refuses), hands every line to the transport, and subscribes again when the
/// stream ends or breaks (Kubo replays nothing, so the sooner the better) or when told to.
/// </summary>
internal sealed partial class KuboTopicSubscription : IAsyncDisposable
{
    private readonly KuboTransport _owner;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<KuboPubsubStream> _subscribe;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _active = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _session;
    private Task? _loop;

    public KuboTopicSubscription(KuboTransport owner, string topic, ILogger logger)
    {
        _owner = owner;
        _logger = logger;
        Topic = topic;
        FullTopic = owner.Options.TopicPrefix + topic;
        EncodedTopic = Multibase.EncodeTopic(FullTopic);
        _subscribe = new ResiliencePipelineBuilder<KuboPubsubStream> { TimeProvider = owner.Time }.AddRetry(new RetryStrategyOptions<KuboPubsubStream>
        {
            ShouldHandle = new PredicateBuilder<KuboPubsubStream>().Handle<KuboException>(),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = owner.Options.ReconnectMinDelay,
            MaxDelay = owner.Options.ReconnectMaxDelay,
            OnRetry = args =>
            {
                string error = args.Outcome.Exception?.Message ?? "unknown";
                LastError = error;
                if (args.Outcome.Exception is KuboPubsubDisabledException)
                {
                    owner.LogPubsubDisabled(error);
                }
                else
                {
                    LogSubscribeFailed(FullTopic, args.AttemptNumber + 1, error);
                }

                return default;
            },
        }).Build();
    }

    /// <summary>The topic without the transport's prefix.</summary>
    public string Topic { get; }

    public string FullTopic { get; }

    /// <summary>As Kubo lists it: <c>u</c> + base64url.</summary>
    public string EncodedTopic { get; }

    /// <summary>When the current stream opened; null while there is none.</summary>
    public DateTimeOffset? ActiveSince { get; private set; }

    /// <summary>Why the last attempt or stream failed, for the error a caller sees.</summary>
    public string? LastError { get; private set; }

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);

    /// <summary>Waits until a stream is open; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitActiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task active;
        lock (_gate)
        {
            active = _active.Task;
        }

        try
        {
            await active.WaitAsync(timeout, _owner.Time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Closes the current stream so the loop subscribes again (the daemon lost the subscription without closing it).</summary>
    public void Restart()
    {
        lock (_gate)
        {
            _session?.Cancel();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken token)
    {
        bool first = true;
        while (!token.IsCancellationRequested)
        {
            KuboPubsubStream stream;
            try
            {
                stream = await _subscribe.ExecuteAsync(
                    async ct =>
                    {
                        await _owner.WaitStartedAsync(ct).ConfigureAwait(false);
                        return await _owner.Client.PubsubSubscribeAsync(FullTopic, _owner.MaxLineBytes, ct).ConfigureAwait(false);
                    },
                    token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!first)
            {
                _owner.Counters.OnReconnected();
            }

            first = false;
            string reason = await ReadAsync(stream, token).ConfigureAwait(false);
            if (token.IsCancellationRequested)
            {
                return;
            }

            LastError = reason;
            LogStreamEnded(FullTopic, reason);
            try
            {
                // Not at once: a daemon that ends every stream straight away must not be hammered.
                await Task.Delay(_owner.Options.ReconnectMinDelay, _owner.Time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Reads the stream until it ends, breaks or is restarted; returns why it stopped.</summary>
    private async Task<string> ReadAsync(KuboPubsubStream stream, CancellationToken token)
    {
        var session = CancellationTokenSource.CreateLinkedTokenSource(token);
        lock (_gate)
        {
            _session = session;
            ActiveSince = _owner.Time.GetUtcNow();
            _active.TrySetResult();
        }

        LogSubscribed(FullTopic);
        string reason;
        try
        {
            await using (stream.ConfigureAwait(false))
            {
                while (await stream.ReadLineAsync(session.Token).ConfigureAwait(false) is { } line)
                {
                    _owner.Deliver(this, line);
                }

                reason = stream.StreamError is { } error ? "Kubo reported: " + error : "the daemon ended the stream";
            }
        }
        catch (OperationCanceledException)
        {
            reason = "restarted: the daemon no longer listed the subscription";
        }
        catch (KuboUnreachableException ex)
        {
            reason = ex.Message;
        }
        finally
        {
            lock (_gate)
            {
                _session = null;
                ActiveSince = null;
                _active = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            session.Dispose();
        }

        return reason;
    }

    [LoggerMessage(EventId = 1111, Level = LogLevel.Debug, Message = "Kubo pubsub: subscribed to {Topic}")]
    private partial void LogSubscribed(string topic);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Warning, Message = "Kubo pubsub: stream for {Topic} stopped ({Reason}); subscribing again")]
    private partial void LogStreamEnded(string topic, string reason);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Debug, Message = "Kubo pubsub: subscribing to {Topic} failed (attempt {Attempt}): {Error}")]
    private partial void LogSubscribeFailed(string topic, int attempt, string error);
}
