using System.Threading.Channels;
using IplsCore.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace IplsCore.Transport.Kubo;

/// <summary>
/// IPLS over a Kubo (IPFS) daemon's RPC API: messages on pubsub topics under a prefix, content as
/// raw blocks addressed by CID. One <c>pubsub/sub</c> stream per topic, kept open and reopened with
/// backoff when it ends or breaks; our own publications (Kubo echoes them) are filtered by peer id;
/// publishes go one at a time per daemon (concurrent ones race Kubo's seqno validator) and are sent
/// again on its <c>validation ignored</c> answer; connections to the bootstrappers are checked and
/// redialled periodically. Blocks are verified against their CID on the way in and on the way out.
/// </summary>
public sealed partial class KuboTransport : IIplsTransport
{
    /// <summary>Publishes js-ipfs refuses for want of topic peers are sent again this often (0.15 s, then 0.3 s).</summary>
    private const int NoTopicPeersRetries = 2;

    private readonly KuboTransportOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly Channel<TransportMessage> _messages;
    private readonly Dictionary<string, KuboTopicSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Lock _subscriptionsGate = new();
    private readonly SemaphoreSlim _publishGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<string> _identity = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ResiliencePipeline _publishCall;
    private readonly ResiliencePipeline _daemonCall;
    private readonly RateLimiter _logLimit;
    private readonly KuboSwarmKeeper _swarm;
    private Task? _maintenance;
    private volatile string? _lastError;
    private volatile IpfsDaemonInfo? _daemon;

    private KuboTransport(KuboTransportOptions options, ILogger logger, TimeProvider time)
    {
        _options = options;
        _logger = logger;
        Time = time;
        _http = KuboClient.CreateHttpClient(options.ApiUri, options.RequestTimeout);
        Client = new KuboClient(_http, options.RequestTimeout);
        MaxLineBytes = ((options.MaxPayloadBytes + 2) / 3 * 4) + 4096; // base64 of the payload plus from, seqno and topicIDs
        _messages = Channel.CreateBounded<TransportMessage>(new BoundedChannelOptions(options.ReceiveQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses, and we count it
        });
        _logLimit = new RateLimiter(time, TimeSpan.FromSeconds(10));
        _swarm = new KuboSwarmKeeper(Client, options.Bootstrappers, _logLimit, logger);
        _publishCall = DaemonCallPipeline(retryValidationIgnored: true);
        _daemonCall = DaemonCallPipeline(retryValidationIgnored: false);
    }

    public int MaxPayloadBytes => _options.MaxPayloadBytes;

    public ChannelReader<TransportMessage> Messages => _messages.Reader;

    public TransportCounters Counters { get; } = new();

    /// <summary>The daemon answered (its peer id is known).</summary>
    public bool IsConnected => PeerId is not null;

    /// <summary>The daemon's peer id once it has answered; messages from it are ours and are not delivered.</summary>
    public string? PeerId => _identity.Task.IsCompletedSuccessfully ? _identity.Task.Result : null;

    /// <summary>The daemon as it described itself (implementation, version); null until it answered.</summary>
    public IpfsDaemonInfo? Daemon => _daemon;

    public string? NetworkDescription => _daemon is { } daemon ? "ipfs: " + daemon.Describe() : null;

    /// <summary>Bootstrapper connections this transport made (for status and tests).</summary>
    public int SwarmConnects => _swarm.Connects;

    internal KuboTransportOptions Options => _options;

    internal KuboClient Client { get; }

    internal TimeProvider Time { get; }

    internal int MaxLineBytes { get; }

    /// <summary>
    /// Creates the transport and starts talking to the daemon in the background (identity, then
    /// bootstrap list and swarm checks). It does not wait for the daemon: calls wait (up to
    /// <see cref="KuboTransportOptions.PublishTimeout"/>) while it is away, and it retries forever.
    /// </summary>
    public static KuboTransport Start(KuboTransportOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var transport = new KuboTransport(options, logger ?? NullLogger.Instance, time ?? TimeProvider.System);
        transport._maintenance = Task.Run(() => transport.MaintainAsync(transport._stopping.Token), CancellationToken.None);
        return transport;
    }

    /// <summary>
    /// Asks the daemon at <see cref="KuboTransportOptions.ApiUri"/> once what it is, without starting a
    /// transport (for <c>run --check</c>). Throws <see cref="KuboException"/> when it refuses or does not answer.
    /// </summary>
    public static async Task<IpfsDaemonInfo> ProbeAsync(KuboTransportOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var http = KuboClient.CreateHttpClient(options.ApiUri, options.RequestTimeout);
        return await new KuboClient(http, options.RequestTimeout).IdentifyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the daemon has told us its identity (or throws <see cref="TransportUnavailableException"/> after <paramref name="timeout"/>).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _identity.Task.WaitAsync(timeout, Time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TransportUnavailableException($"Kubo API at {_options.ApiUri} not reachable within {timeout.TotalSeconds:0.#} s: {_lastError ?? "no answer"}", ex);
        }
    }

    public async Task SubscribeAsync(string topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        KuboTopicSubscription subscription;
        lock (_subscriptionsGate)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            if (!_subscriptions.TryGetValue(topic, out subscription!))
            {
                subscription = new KuboTopicSubscription(this, topic, _logger);
                _subscriptions[topic] = subscription;
                subscription.Start();
            }
        }

        // The stream stays wanted on failure: it opens by itself once the daemon answers.
        if (!await subscription.WaitActiveAsync(_options.PublishTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new TransportUnavailableException(
                $"subscribe to {subscription.FullTopic} on Kubo at {_options.ApiUri} not done within {_options.PublishTimeout.TotalSeconds:0.#} s: {subscription.LastError ?? _lastError ?? "no answer"}");
        }
    }

    public async Task UnsubscribeAsync(string topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        KuboTopicSubscription? subscription;
        lock (_subscriptionsGate)
        {
            _subscriptions.Remove(topic, out subscription);
        }

        if (subscription is not null)
        {
            // Closing the response is Kubo's unsubscribe.
            await subscription.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        CheckSize(payload);
        string fullTopic = _options.TopicPrefix + topic;
        await _publishGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CallAsync(
                _publishCall,
                "publish to " + fullTopic,
                async ct =>
                {
                    await Client.PubsubPublishAsync(fullTopic, payload, ct).ConfigureAwait(false);
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (TransportUnavailableException ex) when (ex.InnerException is KuboNoTopicPeersException noPeers)
        {
            // Nobody subscribes yet (peers still joining, or a daemon just restarted): Kubo would have
            // answered 200 and sent it nowhere. Lost like any pubsub message; the protocol repeats itself.
            Counters.OnPublishedToNobody();
            if (_logLimit.TryAcquire("no-topic-peers", out long suppressed))
            {
                LogNoTopicPeers(fullTopic, noPeers.KuboMessage, suppressed);
            }

            return;
        }
        finally
        {
            _publishGate.Release();
        }

        Counters.OnPublished(payload.Length);
    }

    /// <summary>Stores the content as one raw block and returns its CID, after checking Kubo gave it the CID we computed.</summary>
    public async Task<string> PutContentAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        CheckSize(content);
        string expected = RawBlockCid.Compute(content.Span);
        string key = await CallAsync(_daemonCall, "block/put", ct => Client.BlockPutAsync(content, ct), cancellationToken).ConfigureAwait(false);
        if (!string.Equals(key, expected, StringComparison.Ordinal))
        {
            throw new TransportUnavailableException($"Kubo stored the block as {key}, expected {expected}: its block/put defaults are not raw, sha2-256, CIDv1");
        }

        return key;
    }

    /// <summary>Fetches a block by CID and returns it only if it hashes to that CID; null when it cannot be had in time or fails the check.</summary>
    public async Task<byte[]?> GetContentAsync(string contentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contentId);
        if (!RawBlockCid.IsWellFormed(contentId))
        {
            RejectContent(contentId, "not a raw sha2-256 CIDv1 (the only kind this transport stores and can verify)");
            return null;
        }

        try
        {
            byte[] block = await Client.BlockGetAsync(contentId, _options.ContentTimeout, _options.MaxPayloadBytes, cancellationToken).ConfigureAwait(false);
            if (!RawBlockCid.Matches(contentId, block))
            {
                RejectContent(contentId, $"the {block.Length} bytes received hash to {RawBlockCid.Compute(block)}");
                return null;
            }

            return block;
        }
        catch (InvalidDataException ex)
        {
            RejectContent(contentId, ex.Message);
            return null;
        }
        catch (KuboException ex)
        {
            LogContentUnavailable(contentId, ex.Message);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<KuboTopicSubscription> subscriptions;
        lock (_subscriptionsGate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _stopping.Cancel();
            subscriptions = [.. _subscriptions.Values];
            _subscriptions.Clear();
        }

        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }

        if (_maintenance is not null)
        {
            await _maintenance.ConfigureAwait(false);
        }

        _identity.TrySetCanceled();
        _started.TrySetCanceled();
        _messages.Writer.TryComplete();
        _http.Dispose();
        _publishGate.Dispose();
        _stopping.Dispose();
    }

    /// <summary>
    /// The daemon's peer id, once known and once the bootstrappers were dialled. Subscriptions wait
    /// for it: without the id our own messages could not be told apart, and a subscription opened
    /// before the swarm links exists but hears nobody, so a joiner would think it is alone.
    /// </summary>
    internal Task<string> WaitStartedAsync(CancellationToken cancellationToken) => _started.Task.WaitAsync(cancellationToken);

    /// <summary>One line of a topic's stream: delivered, filtered as our own, skipped, or rejected and counted.</summary>
    internal void Deliver(KuboTopicSubscription subscription, NdjsonLine line)
    {
        if (line.Oversized)
        {
            Counters.OnDroppedOversized();
            Reject(subscription.FullTopic, $"a stream line over {MaxLineBytes} bytes");
            return;
        }

        if (line.Bytes.IsEmpty)
        {
            return;
        }

        var decoded = KuboPubsubDecoder.Decode(line.Bytes.Span, subscription.EncodedTopic, PeerId ?? string.Empty, _options.MaxPayloadBytes);
        switch (decoded.Kind)
        {
            case KuboLineKind.Message:
                Counters.OnReceived();
                if (!_messages.Writer.TryWrite(new TransportMessage(subscription.Topic, decoded.Payload)))
                {
                    Counters.OnDropped();
                }

                break;
            case KuboLineKind.Malformed:
                Counters.OnDroppedMalformed();
                Reject(subscription.FullTopic, decoded.Reason!);
                break;
            case KuboLineKind.Oversized:
                Counters.OnDroppedOversized();
                Reject(subscription.FullTopic, decoded.Reason!);
                break;
            default:
                break; // our own publication, or a line without sender
        }
    }

    internal void LogPubsubDisabled(string error)
    {
        if (_logLimit.TryAcquire("pubsub-disabled", out long suppressed))
        {
            LogPubsubOff(_options.ApiUri.ToString(), error, suppressed);
        }
    }

    private void CheckSize(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length > _options.MaxPayloadBytes)
        {
            throw new ArgumentException($"Payload of {payload.Length} bytes exceeds the {_options.MaxPayloadBytes}-byte limit.", nameof(payload));
        }
    }

    private void Reject(string topic, string reason)
    {
        if (_logLimit.TryAcquire("line:" + reason, out long suppressed))
        {
            LogLineRejected(topic, reason, suppressed);
        }
    }

    private void RejectContent(string contentId, string reason)
    {
        Counters.OnContentRejected();
        if (_logLimit.TryAcquire("content", out long suppressed))
        {
            LogContentRejected(contentId, reason, suppressed);
        }
    }

    /// <summary>
    /// Runs one daemon call with retries while the daemon is unreachable (and, for publishes, while it
    /// answers <c>validation ignored</c>), for at most <see cref="KuboTransportOptions.PublishTimeout"/>.
    /// Every failure the caller sees is a <see cref="TransportUnavailableException"/> carrying Kubo's message.
    /// </summary>
    private async Task<T> CallAsync<T>(ResiliencePipeline pipeline, string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(async ct => await call(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new TransportUnavailableException($"{what}: Kubo API at {_options.ApiUri} unreachable for {_options.PublishTimeout.TotalSeconds:0.#} s ({_lastError ?? "no answer"})", ex);
        }
        catch (KuboPubsubDisabledException ex)
        {
            LogPubsubDisabled(ex.KuboMessage);
            throw new TransportUnavailableException($"{what}: {ex.Message}", ex);
        }
        catch (KuboException ex)
        {
            throw new TransportUnavailableException($"{what}: {ex.Message}", ex);
        }
    }

    private ResiliencePipeline DaemonCallPipeline(bool retryValidationIgnored) =>
        new ResiliencePipelineBuilder { TimeProvider = Time }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = _options.PublishTimeout })
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception switch
                {
                    KuboUnreachableException => true,
                    KuboValidationIgnoredException => retryValidationIgnored && args.AttemptNumber < _options.ValidationIgnoredRetries,
                    KuboNoTopicPeersException => retryValidationIgnored && args.AttemptNumber < NoTopicPeersRetries,
                    _ => false,
                }),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.ReconnectMinDelay,
                MaxDelay = _options.ReconnectMaxDelay,
                // The validator race clears as soon as the other publish is through: retry quickly.
                // A mesh forms within a moment after a daemon (re)started: a short second chance, no more,
                // so a lone bootstrapper's loop is not held up.
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Outcome.Exception switch
                {
                    KuboValidationIgnoredException => TimeSpan.FromMilliseconds(20 * (args.AttemptNumber + 1)),
                    KuboNoTopicPeersException => TimeSpan.FromMilliseconds(150 * (args.AttemptNumber + 1)),
                    _ => null,
                }),
                OnRetry = args =>
                {
                    string error = args.Outcome.Exception?.Message ?? "unknown";
                    _lastError = error;
                    if (retryValidationIgnored)
                    {
                        Counters.OnPublishRetried();
                    }

                    LogCallRetried(args.AttemptNumber + 1, error);
                    return default;
                },
            })
            .Build();

    /// <summary>Learns the daemon's identity, then keeps the swarm links and the subscriptions honest.</summary>
    private async Task MaintainAsync(CancellationToken token)
    {
        var identify = new ResiliencePipelineBuilder<string> { TimeProvider = Time }.AddRetry(new RetryStrategyOptions<string>
        {
            ShouldHandle = new PredicateBuilder<string>().Handle<KuboException>(),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _options.ReconnectMinDelay,
            MaxDelay = _options.ReconnectMaxDelay,
            OnRetry = args =>
            {
                _lastError = args.Outcome.Exception?.Message;
                LogDaemonUnreachable(_options.ApiUri.ToString(), args.AttemptNumber + 1, _lastError ?? "unknown");
                return default;
            },
        }).Build();
        string selfId;
        try
        {
            selfId = await identify.ExecuteAsync(IdentifyAsync, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        _identity.TrySetResult(selfId);
        using var timer = new PeriodicTimer(_options.MaintenanceInterval, Time);
        do
        {
            try
            {
                if (_options.AddBootstrappersToConfig)
                {
                    await _swarm.AddToBootstrapListAsync(selfId, token).ConfigureAwait(false);
                }

                await _swarm.EnsureConnectedAsync(selfId, token).ConfigureAwait(false);
                await CheckSubscriptionsAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (KuboException ex)
            {
                _lastError = ex.Message;
                if (_logLimit.TryAcquire("maintenance", out long suppressed))
                {
                    LogMaintenanceFailed(ex.Message, suppressed);
                }
            }

            // After the first round, whatever it achieved: an unreachable bootstrapper must not keep us deaf.
            _started.TrySetResult(selfId);
        }
        while (await WaitTickAsync(timer, token).ConfigureAwait(false));
    }

    private static async Task<bool> WaitTickAsync(PeriodicTimer timer, CancellationToken token)
    {
        try
        {
            return await timer.WaitForNextTickAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async ValueTask<string> IdentifyAsync(CancellationToken token)
    {
        var daemon = await Client.IdentifyAsync(token).ConfigureAwait(false);
        _daemon = daemon;
        LogIdentified(_options.ApiUri.ToString(), daemon.ImplementationName, daemon.Version, daemon.PeerId, daemon.PubsubEnabled);
        if (!daemon.HasMultibasePubsub)
        {
            LogOldDaemon(daemon.Version);
        }

        if (!daemon.PubsubEnabled)
        {
            LogPubsubDisabled("the daemon lists no pubsub protocol; start it with Pubsub.Enabled=true");
        }

        return daemon.PeerId;
    }

    /// <summary>
    /// A daemon can lose a subscription without closing its stream; <c>pubsub/ls</c> shows it. Only
    /// streams open since before the call are judged, so a fresh one is not restarted by mistake.
    /// </summary>
    private async Task CheckSubscriptionsAsync(CancellationToken token)
    {
        List<KuboTopicSubscription> open;
        lock (_subscriptionsGate)
        {
            open = [.. _subscriptions.Values.Where(s => s.ActiveSince is not null)];
        }

        if (open.Count == 0)
        {
            return;
        }

        var asked = Time.GetUtcNow();
        var listed = (await Client.PubsubListAsync(token).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        foreach (var subscription in open)
        {
            if (subscription.ActiveSince is { } since && since < asked && !listed.Contains(subscription.FullTopic))
            {
                LogSubscriptionLost(subscription.FullTopic);
                subscription.Restart();
            }
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "IPFS daemon at {Api}: {Implementation} {Version}, peer {PeerId}, pubsub {PubsubEnabled}")]
    private partial void LogIdentified(string api, string implementation, string version, string peerId, bool pubsubEnabled);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Kubo {Api} not answering (attempt {Attempt}): {Error}")]
    private partial void LogDaemonUnreachable(string api, int attempt, string error);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "Kubo {Api}: pubsub is not enabled ({Error}); IPLS cannot run until it is ({Suppressed} similar lines held back)")]
    private partial void LogPubsubOff(string api, string error, long suppressed);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Error, Message = "Kubo {Version} predates 0.11 and its multibase pubsub format; IPLS needs Kubo 0.11 or newer")]
    private partial void LogOldDaemon(string version);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Kubo pubsub: rejected a line on {Topic}: {Reason} ({Suppressed} similar lines held back)")]
    private partial void LogLineRejected(string topic, string reason, long suppressed);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "Kubo content {ContentId} rejected: {Reason} ({Suppressed} similar lines held back)")]
    private partial void LogContentRejected(string contentId, string reason, long suppressed);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Information, Message = "Kubo content {ContentId} not fetched: {Error}")]
    private partial void LogContentUnavailable(string contentId, string error);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Debug, Message = "Kubo call retried (attempt {Attempt}): {Error}")]
    private partial void LogCallRetried(int attempt, string error);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Warning, Message = "Kubo pubsub: the daemon no longer lists {Topic}; subscribing again")]
    private partial void LogSubscriptionLost(string topic);

    [LoggerMessage(EventId = 1114, Level = LogLevel.Debug, Message = "Kubo pubsub: no peer subscribes to {Topic} yet, message not sent ({Error}; {Suppressed} similar lines held back)")]
    private partial void LogNoTopicPeers(string topic, string error, long suppressed);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Kubo swarm/subscription check failed: {Error} ({Suppressed} similar lines held back)")]
    private partial void LogMaintenanceFailed(string error, long suppressed);
}
