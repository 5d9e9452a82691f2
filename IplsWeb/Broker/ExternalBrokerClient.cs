using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using IplsCore.Control;
using IplsCore.Messages;
using IplsWeb.Fleet;
using IplsWeb.History;
using IplsWeb.Hosting;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Polly;
using Polly.Retry;

namespace IplsWeb.Broker;

/// <summary>
/// In <see cref="BrokerMode.External"/> the dashboard is a client of the fleet's broker: MQTT 5 with a persistent
/// session (clean start off, session expiry set), QoS 1 subscriptions to every vehicle's scores (<c>+/anomaly</c>)
/// and sensor data (<c>vehicle/+</c>) plus the custom topics registered agents announce, each message fed to
/// <see cref="BrokerIngest"/> as the embedded broker feeds it. The broker queues what arrives while the dashboard
/// is away (a restart) and delivers it on reconnect; the dashboard starts whether or not the broker is up and
/// reconnects with exponential backoff and jitter.
/// </summary>
public sealed partial class ExternalBrokerClient : IHostedLifecycleService, IBrokerPublisher, IDisposable
{
    /// <summary>Every vehicle's scores: <c>v{n}/anomaly</c> (<c>v+/anomaly</c> is no valid filter: a <c>+</c> fills a whole level).</summary>
    public const string ScoreFilter = "+/anomaly";

    /// <summary>Every vehicle's sensor data: <c>vehicle/{n}</c>.</summary>
    public const string SensorFilter = "vehicle/+";

    private const string Source = "external broker";

    // Longest one message waits for room in the history's queue: a history that stopped writing must not stop the live view.
    private static readonly TimeSpan MaxHold = TimeSpan.FromSeconds(5);

    private readonly ExternalBrokerOptions _options;
    private readonly BrokerIngest _ingest;
    private readonly HistoryWriter _history;
    private readonly int _holdAbove;
    private readonly FleetState _fleet;
    private readonly TimeProvider _time;
    private readonly ILogger<ExternalBrokerClient> _logger;
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _clientOptions;
    private readonly ResiliencePipeline _reconnect;
    private readonly ConcurrentDictionary<string, byte> _customTopics = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _statusGate = new();
    private readonly string _broker;
    private ExternalBrokerStatus _status;
    private TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private long _received;

    public ExternalBrokerClient(DashboardOptions options, BrokerIngest ingest, HistoryWriter history, FleetState fleet, TimeProvider time, ILogger<ExternalBrokerClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Broker.External;
        _ingest = ingest;
        _history = history;
        _holdAbove = options.History.QueueCapacity * 3 / 4;
        _fleet = fleet;
        _time = time;
        _logger = logger;
        var uri = _options.BrokerUri ?? throw new ArgumentException("Dashboard:Broker:External:Url is not a broker URL", nameof(options));
        _broker = $"{uri.Scheme}://{uri.Host}:{_options.Port}{(_options.UsesWebSocket ? uri.AbsolutePath : string.Empty)}";
        _status = new ExternalBrokerStatus(_broker, _options.ClientId, ExternalBrokerState.Connecting, time.GetUtcNow(), null, null, 0, 0, false);
        _client = new MqttClientFactory().CreateMqttClient();
        _clientOptions = BuildClientOptions(_options, uri);
        _reconnect = new ResiliencePipelineBuilder { TimeProvider = time }.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _options.ReconnectMinDelay,
            MaxDelay = _options.ReconnectMaxDelay,
            OnRetry = args =>
            {
                string error = Describe(args.Outcome.Exception);
                SetError(error);
                LogConnectFailed(_broker, args.AttemptNumber + 1, args.RetryDelay.TotalSeconds, error);
                return default;
            },
        }).Build();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    public ExternalBrokerStatus Status
    {
        get
        {
            lock (_statusGate)
            {
                return _status with { Received = Interlocked.Read(ref _received) };
            }
        }
    }

    /// <summary>Raised when <see cref="Status"/>'s state changes (the header re-renders).</summary>
    public event Action<ExternalBrokerStatus>? StatusChanged;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Custom topics agents announce are subscribed as they register; known ones again after every
        // connect, those remembered from before a restart from the first.
        foreach (var remembered in _fleet.CustomTopics)
        {
            if (remembered.Kind is VehicleTopicKind.Score or VehicleTopicKind.Sensor && IsCustomFilter(remembered.Topic))
            {
                _customTopics.TryAdd(remembered.Topic, 0);
            }
        }

        _fleet.Changed += OnFleetChanged;
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Before the history's final flush: stop taking messages and leave with a normal DISCONNECT. The session
    /// outlives the connection (its expiry was set at connect), so the broker queues what comes meanwhile.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _fleet.Changed -= OnFleetChanged;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken).ConfigureAwait(false);
                LogLeft(_broker, _options.SessionExpiry.TotalSeconds);
            }
            catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
                LogLeaveFailed(_broker, ex.Message);
            }
        }

        SetState(ExternalBrokerState.Stopped, sessionResumed: null);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<CommandResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (!_client.IsConnected)
        {
            return CommandResult.Refused($"not connected to the broker {_broker} ({Status.State.ToString().ToLowerInvariant()}{(Status.LastError is { } error ? ": " + error : string.Empty)})");
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        try
        {
            var result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                LogPublishFailed(topic, result.ReasonCode.ToString());
                return CommandResult.Refused($"the broker refused the publish to {topic}: {result.ReasonCode}");
            }
        }
        catch (Exception ex) when (ex is MqttCommunicationException or InvalidOperationException)
        {
            LogPublishFailed(topic, ex.Message);
            return CommandResult.Refused($"publish to {topic} failed: {ex.Message}");
        }

        return CommandResult.Ok($"published to {topic}");
    }

    public void Dispose()
    {
        _client.Dispose();
        _stopping.Dispose();
    }

    private static MqttClientOptions BuildClientOptions(ExternalBrokerOptions options, Uri uri)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(options.ClientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)options.SessionExpiry.TotalSeconds)
            .WithKeepAlivePeriod(options.KeepAlive)
            .WithTimeout(TimeSpan.FromSeconds(10));
        builder = options.UsesWebSocket
            ? builder.WithWebSocketServer(ws => ws.WithUri(uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped)))
            : builder.WithTcpServer(uri.Host, options.Port);
        if (options.UsesTls)
        {
            builder = builder.WithTlsOptions(tls =>
            {
                tls.UseTls().WithTargetHost(uri.Host);
                if (!string.IsNullOrEmpty(options.CaFile))
                {
                    tls.WithTrustChain(LoadCertificates(options.CaFile));
                }

                if (options.AllowUntrustedCertificates)
                {
                    tls.WithCertificateValidationHandler(_ => true);
                }
            });
        }

        if (!string.IsNullOrEmpty(options.Username))
        {
            builder = builder.WithCredentials(options.Username, options.Password ?? string.Empty);
        }

        return builder.Build();
    }

    private static X509Certificate2Collection LoadCertificates(string path)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(path);
        return certificates;
    }

    // An error for the log and the UI: the reason, never the options (they hold the password).
    private static string Describe(Exception? ex) => ex switch
    {
        null => "unknown",
        _ when ex.InnerException is { } inner && ex is MqttCommunicationException => $"{ex.Message} ({inner.Message})",
        _ => ex.Message,
    };

    /// <summary>Whether one of the two standing filters already delivers <paramref name="topic"/> (a second subscription would deliver it twice).</summary>
    internal static bool CoveredByFilters(string topic)
    {
        int slash = topic.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || topic.IndexOf('/', slash + 1) >= 0)
        {
            return false; // both filters match topics of exactly two levels
        }

        return topic[(slash + 1)..] == "anomaly" || topic[..slash] == "vehicle";
    }

    private async Task RunAsync(CancellationToken token)
    {
        bool everConnected = false;
        while (!token.IsCancellationRequested)
        {
            MqttClientConnectResult? connected = null;
            try
            {
                await _reconnect.ExecuteAsync(
                    async ct =>
                    {
                        Volatile.Write(ref _disconnected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                        connected = await _client.ConnectAsync(_clientOptions, ct).ConfigureAwait(false);
                        if (connected.ResultCode != MqttClientConnectResultCode.Success)
                        {
                            // Refused in the CONNACK (credentials, ACL, a banned id): said as the broker said it.
                            throw new InvalidOperationException($"connect refused: {connected.ResultCode}{(connected.ReasonString is { Length: > 0 } why ? " (" + why + ")" : string.Empty)}");
                        }

                        try
                        {
                            await SubscribeAsync([ScoreFilter, SensorFilter, .. _customTopics.Keys], ct).ConfigureAwait(false);
                        }
                        catch
                        {
                            await DisconnectQuietlyAsync().ConfigureAwait(false);
                            throw;
                        }
                    },
                    token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            bool resumed = connected?.IsSessionPresent == true;
            if (!resumed && everConnected)
            {
                // The broker lost our session (restarted without persistence, or it expired): what it had queued is gone.
                LogSessionLost(_broker, _options.ClientId);
            }

            everConnected = true;
            SetState(ExternalBrokerState.Connected, resumed);
            LogConnected(_broker, _options.ClientId, resumed, 2 + _customTopics.Count);
            try
            {
                await Volatile.Read(ref _disconnected).Task.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SubscribeAsync(IReadOnlyCollection<string> filters, CancellationToken cancellationToken)
    {
        var builder = new MqttClientSubscribeOptionsBuilder();
        foreach (string filter in filters)
        {
            builder = builder.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var result = await _client.SubscribeAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        var refused = result.Items.Where(i => (int)i.ResultCode > (int)MqttClientSubscribeResultCode.GrantedQoS2).ToList();
        foreach (var item in refused)
        {
            LogSubscriptionRefused(item.TopicFilter.Topic, _broker, item.ResultCode.ToString());
        }

        if (refused.Count > 0)
        {
            // Not authorized, most likely: the broker's ACL must let the dashboard read every vehicle's topics.
            throw new InvalidOperationException($"the broker refused the subscription to {string.Join(", ", refused.Select(i => $"{i.TopicFilter.Topic} ({i.ResultCode})"))}");
        }
    }

    private async Task DisconnectQuietlyAsync()
    {
        try
        {
            await _client.DisconnectAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            // Gone already: the next attempt connects afresh.
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        // The broker keeps what is not acknowledged yet: after a restart it may deliver a long backlog faster
        // than the history writes. Waiting here holds the acknowledgement, and the broker's in-flight window
        // stops it sending more, instead of the history's full queue dropping rows (400,000 queued scores lost
        // 207,699 rows without this).
        if (_history.Pending > _holdAbove)
        {
            long deadline = _time.GetTimestamp() + (long)(MaxHold.TotalSeconds * _time.TimestampFrequency);
            while (_history.Pending > _holdAbove && _time.GetTimestamp() < deadline && !_stopping.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), _time, CancellationToken.None).ConfigureAwait(false);
            }
        }

        Interlocked.Increment(ref _received);
        _ingest.Ingest(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload, Source);
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if (!e.ClientWasConnected || _stopping.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        string reason = e.Exception is { } ex ? $"{e.Reason}: {Describe(ex)}" : e.ReasonString is { Length: > 0 } text ? $"{e.Reason}: {text}" : e.Reason.ToString();
        SetError(reason);
        SetState(ExternalBrokerState.Reconnecting, sessionResumed: null);
        LogDisconnected(_broker, reason);
        Volatile.Read(ref _disconnected).TrySetResult();
        return Task.CompletedTask;
    }

    private void OnFleetChanged(FleetChange change)
    {
        if (change.Kind != FleetChangeKind.Agent || change.AgentId is null || _fleet.Agent(change.AgentId)?.Registration.Topics is not { } topics)
        {
            return;
        }

        foreach (string topic in new[] { topics.Score, topics.Sensor })
        {
            if (IsCustomFilter(topic) && _customTopics.TryAdd(topic, 0))
            {
                _ = SubscribeCustomAsync(topic, change.AgentId);
            }
        }
    }

    /// <summary>A topic the two standard filters miss, and no filter itself: subscribed on its own.</summary>
    private static bool IsCustomFilter(string topic) =>
        !CoveredByFilters(topic) && !topic.Contains('+', StringComparison.Ordinal) && !topic.Contains('#', StringComparison.Ordinal);

    private async Task SubscribeCustomAsync(string topic, string agentId)
    {
        if (!_client.IsConnected)
        {
            return; // subscribed with the others on the next connect
        }

        try
        {
            await SubscribeAsync([topic], _stopping.Token).ConfigureAwait(false);
            LogCustomTopic(topic, agentId);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or InvalidOperationException or OperationCanceledException)
        {
            // A dropped connection resubscribes it on reconnect; a refusal is logged by SubscribeAsync.
            LogCustomTopicFailed(topic, ex.Message);
        }
    }

    private void SetState(ExternalBrokerState state, bool? sessionResumed)
    {
        ExternalBrokerStatus status;
        lock (_statusGate)
        {
            _status = _status with
            {
                State = state,
                Since = _time.GetUtcNow(),
                Connects = _status.Connects + (state == ExternalBrokerState.Connected ? 1 : 0),
                SessionResumed = sessionResumed ?? _status.SessionResumed,
            };
            status = _status;
        }

        StatusChanged?.Invoke(status);
    }

    private void SetError(string error)
    {
        lock (_statusGate)
        {
            _status = _status with { LastError = error, LastErrorAt = _time.GetUtcNow() };
        }
    }

    [LoggerMessage(EventId = 5601, Level = LogLevel.Information, Message = "Connected to the broker {Broker} as {ClientId} (session resumed: {Resumed}), {Filters} topic filters subscribed")]
    private partial void LogConnected(string broker, string clientId, bool resumed, int filters);

    [LoggerMessage(EventId = 5602, Level = LogLevel.Warning, Message = "Lost the broker {Broker} ({Reason}); reconnecting")]
    private partial void LogDisconnected(string broker, string reason);

    [LoggerMessage(EventId = 5603, Level = LogLevel.Warning, Message = "Could not connect to the broker {Broker} (attempt {Attempt}, next in {DelaySeconds:F1} s): {Error}")]
    private partial void LogConnectFailed(string broker, int attempt, double delaySeconds, string error);

    [LoggerMessage(EventId = 5604, Level = LogLevel.Error, Message = "The broker {Broker} refused the subscription to {Filter}: {Code} (its ACL must let the dashboard read every vehicle's scores and sensor data)")]
    private partial void LogSubscriptionRefused(string filter, string broker, string code);

    [LoggerMessage(EventId = 5605, Level = LogLevel.Information, Message = "Subscribed to {Topic}, announced by agent {Agent}")]
    private partial void LogCustomTopic(string topic, string agent);

    [LoggerMessage(EventId = 5606, Level = LogLevel.Warning, Message = "Subscribing to {Topic} failed: {Reason}; retried on the next connect")]
    private partial void LogCustomTopicFailed(string topic, string reason);

    [LoggerMessage(EventId = 5607, Level = LogLevel.Warning, Message = "Publish to {Topic} failed: {Reason}")]
    private partial void LogPublishFailed(string topic, string reason);

    [LoggerMessage(EventId = 5608, Level = LogLevel.Warning, Message = "The broker {Broker} had no session for {ClientId}: whatever it queued while the dashboard was away is lost (the broker restarted without persistence, or the session expired)")]
    private partial void LogSessionLost(string broker, string clientId);

    [LoggerMessage(EventId = 5609, Level = LogLevel.Information, Message = "Left the broker {Broker}; it keeps the session for {ExpirySeconds} s and queues the fleet's messages meanwhile")]
    private partial void LogLeft(string broker, double expirySeconds);

    [LoggerMessage(EventId = 5610, Level = LogLevel.Debug, Message = "Leaving the broker {Broker} failed: {Reason}")]
    private partial void LogLeaveFailed(string broker, string reason);
}
