using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;
using Polly;
using Polly.Retry;

namespace IplsCore.Transport.Mqtt;

/// <summary>
/// IPLS over an MQTT broker (MQTTnet client): QoS 1 both ways, topics under a prefix, automatic
/// reconnection with exponential backoff and jitter, and resubscription of every topic afterwards.
/// Content is stored as a retained message on <c>{prefix}content/{sha256}</c> and fetched by
/// subscribing to it: any broker keeps it, a late joiner gets it at once, and the hash in the
/// topic lets the reader verify it.
/// </summary>
public sealed partial class MqttTransport : IIplsTransport
{
    private readonly MqttTransportOptions _options;
    private readonly ILogger _logger;
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _clientOptions;
    private readonly Channel<TransportMessage> _messages;
    private readonly ConcurrentDictionary<string, byte> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<byte[]>> _contentWaits = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly ResiliencePipeline _reconnect;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _reconnectLoop;
    private TaskCompletionSource? _disconnected;

    private MqttTransport(MqttTransportOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithSocketBuffers()
            .WithClientId(string.IsNullOrEmpty(options.ClientId) ? "ipls-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) : options.ClientId)
            .WithCleanSession(true)
            .WithKeepAlivePeriod(options.KeepAlivePeriod)
            .WithTimeout(options.CommunicationTimeout);
        if (options.Username is not null)
        {
            builder = builder.WithCredentials(options.Username, options.Password ?? string.Empty);
        }

        _clientOptions = builder.Build();
        _messages = Channel.CreateBounded<TransportMessage>(new BoundedChannelOptions(options.ReceiveQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses, and we count it
        });
        _reconnect = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.ReconnectMinDelay,
            MaxDelay = options.ReconnectMaxDelay,
            OnRetry = args =>
            {
                LogConnectFailed(_options.Host, _options.Port, args.AttemptNumber + 1, args.Outcome.Exception?.Message ?? "unknown");
                return default;
            },
        }).Build();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    public int MaxPayloadBytes => _options.MaxPayloadBytes;

    public ChannelReader<TransportMessage> Messages => _messages.Reader;

    public TransportCounters Counters { get; } = new();

    public bool IsConnected => _client.IsConnected;

    public string? NetworkDescription => "mqtt";

    /// <summary>
    /// Creates the transport and starts connecting in the background. It does not wait for the
    /// broker: publishing waits (up to the timeout) while it is away, and it reconnects forever.
    /// </summary>
    public static MqttTransport Start(MqttTransportOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var transport = new MqttTransport(options, logger ?? NullLogger.Instance);
        transport._reconnectLoop = transport.ConnectLoopAsync();
        return transport;
    }

    /// <summary>Waits until connected (or throws <see cref="TransportUnavailableException"/> after <paramref name="timeout"/>).</summary>
    public async Task WaitConnectedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref _connected).Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TransportUnavailableException($"MQTT broker {_options.Host}:{_options.Port} not reachable within {timeout.TotalSeconds:F0} s", ex);
        }
    }

    public async Task SubscribeAsync(string topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        _topics[topic] = 0;
        await WaitConnectedAsync(_options.PublishTimeout, cancellationToken).ConfigureAwait(false);
        await SubscribeRawAsync(_options.TopicPrefix + topic, cancellationToken).ConfigureAwait(false);
    }

    public async Task UnsubscribeAsync(string topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (_topics.TryRemove(topic, out _))
        {
            await UnsubscribeRawAsync(_options.TopicPrefix + topic, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return PublishRawAsync(_options.TopicPrefix + topic, payload, retain: false, cancellationToken);
    }

    public async Task<string> PutContentAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        string id = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        await PublishRawAsync(ContentTopic(id), content, retain: true, cancellationToken).ConfigureAwait(false);
        return id;
    }

    public async Task<byte[]?> GetContentAsync(string contentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contentId);
        if (contentId.Length != 64 || !contentId.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        var wait = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_contentWaits.TryAdd(contentId, wait))
        {
            wait = _contentWaits[contentId];
        }

        string topic = ContentTopic(contentId);
        try
        {
            await WaitConnectedAsync(_options.ContentTimeout, cancellationToken).ConfigureAwait(false);
            await SubscribeRawAsync(topic, cancellationToken).ConfigureAwait(false);
            byte[] content = await wait.Task.WaitAsync(_options.ContentTimeout, cancellationToken).ConfigureAwait(false);
            if (!Convert.ToHexStringLower(SHA256.HashData(content)).Equals(contentId, StringComparison.Ordinal))
            {
                Counters.OnContentRejected();
                LogContentMismatch(contentId);
                return null;
            }

            return content;
        }
        catch (Exception ex) when (ex is TimeoutException or TransportUnavailableException)
        {
            return null;
        }
        finally
        {
            _contentWaits.TryRemove(contentId, out _);
            await UnsubscribeRawAsync(topic, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_reconnectLoop is not null)
        {
            await _reconnectLoop.ConfigureAwait(false);
        }

        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
            {
                // Already gone; nothing to tell the broker.
            }
        }

        _client.Dispose();
        _messages.Writer.TryComplete();
        _stopping.Dispose();
        _connectGate.Dispose();
    }

    private string ContentTopic(string id) => _options.TopicPrefix + "content/" + id;

    private async Task PublishRawAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken cancellationToken)
    {
        if (payload.Length > _options.MaxPayloadBytes)
        {
            throw new ArgumentException($"Payload of {payload.Length} bytes exceeds the {_options.MaxPayloadBytes}-byte limit.", nameof(payload));
        }

        await WaitConnectedAsync(_options.PublishTimeout, cancellationToken).ConfigureAwait(false);
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
        try
        {
            await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException ex)
        {
            throw new TransportUnavailableException($"publish to {topic} failed: {ex.Message}", ex);
        }

        Counters.OnPublished(payload.Length);
    }

    /// <summary>Best effort: a subscription on a dropped connection is gone anyway (clean session).</summary>
    private async Task UnsubscribeRawAsync(string fullTopic, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            return;
        }

        try
        {
            await _client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter(fullTopic).Build(), cancellationToken).ConfigureAwait(false);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException ex)
        {
            LogUnsubscribeFailed(fullTopic, ex.Message);
        }
    }

    private async Task SubscribeRawAsync(string fullTopic, CancellationToken cancellationToken)
    {
        MqttClientSubscribeResult result;
        try
        {
            result = await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(fullTopic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException ex)
        {
            // The connection dropped under us; the topic is remembered and resubscribed on reconnect.
            throw new TransportUnavailableException($"subscribe to {fullTopic} failed: {ex.Message}", ex);
        }

        foreach (var item in result.Items)
        {
            if ((int)item.ResultCode > (int)MqttClientSubscribeResultCode.GrantedQoS2)
            {
                throw new TransportUnavailableException($"broker refused the subscription to {fullTopic}: {item.ResultCode}");
            }
        }
    }

    private async Task ConnectLoopAsync()
    {
        var token = _stopping.Token;
        bool first = true;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _reconnect.ExecuteAsync(
                    async ct =>
                    {
                        await _client.ConnectAsync(_clientOptions, ct).ConfigureAwait(false);
                        foreach (string topic in _topics.Keys)
                        {
                            await SubscribeRawAsync(_options.TopicPrefix + topic, ct).ConfigureAwait(false);
                        }
                    },
                    token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!first)
            {
                Counters.OnReconnected();
            }

            first = false;
            LogConnected(_options.Host, _options.Port, _topics.Count);
            var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _disconnected = disconnected;
            Volatile.Read(ref _connected).TrySetResult();
            try
            {
                await disconnected.Task.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if (_stopping.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        if (e.ClientWasConnected)
        {
            LogDisconnected(_options.Host, _options.Port, e.Reason.ToString());
            Volatile.Write(ref _connected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _disconnected?.TrySetResult();
        }

        return Task.CompletedTask;
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        string topic = e.ApplicationMessage.Topic;
        if (!topic.StartsWith(_options.TopicPrefix, StringComparison.Ordinal))
        {
            return Task.CompletedTask;
        }

        if (e.ApplicationMessage.Payload.Length > _options.MaxPayloadBytes)
        {
            // Checked before copying: a flood of huge messages must not fill memory.
            Counters.OnDroppedOversized();
            return Task.CompletedTask;
        }

        byte[] payload = e.ApplicationMessage.Payload.ToArray();
        string relative = topic[_options.TopicPrefix.Length..];
        if (relative.StartsWith("content/", StringComparison.Ordinal))
        {
            if (_contentWaits.TryGetValue(relative["content/".Length..], out var wait))
            {
                wait.TrySetResult(payload);
            }

            return Task.CompletedTask;
        }

        Counters.OnReceived();
        if (!_messages.Writer.TryWrite(new TransportMessage(relative, payload)))
        {
            Counters.OnDropped();
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "MQTT connected to {Host}:{Port}, {Topics} topics subscribed")]
    private partial void LogConnected(string host, int port, int topics);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "MQTT disconnected from {Host}:{Port} ({Reason}); reconnecting")]
    private partial void LogDisconnected(string host, int port, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "MQTT connect to {Host}:{Port} failed (attempt {Attempt}): {Error}")]
    private partial void LogConnectFailed(string host, int port, int attempt, string error);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "MQTT unsubscribe from {Topic} failed: {Error}")]
    private partial void LogUnsubscribeFailed(string topic, string error);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Content {ContentId} failed its hash check; ignored")]
    private partial void LogContentMismatch(string contentId);
}
