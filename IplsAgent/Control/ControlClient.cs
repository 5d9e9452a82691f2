using System.Collections.Concurrent;
using IplsCore.Control;
using IplsAgent.Logging;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace IplsAgent.Control;

/// <summary>
/// The agent's link to the dashboard hub (SignalR): authenticates with a token derived from the
/// fleet token, registers after every (re)connection, reports status and new log lines every few
/// seconds, and dispatches the typed commands of <see cref="IAgentClient"/> — nothing else. When the
/// dashboard is away it keeps retrying with backoff; the agent's work never depends on it.
/// </summary>
internal sealed partial class ControlClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly Func<AgentRegistration> _registration;
    private readonly Func<CancellationToken, Task<AgentStatusReport>> _status;
    private readonly RecentLogs _logs;
    private readonly ControlClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _hub;
    private readonly CancellationTokenSource _stopping = new();
    // Added to from SignalR's Closed callback as well as from Start: a concurrent collection.
    private readonly ConcurrentQueue<Task> _loops = new();
    private long _logMark;
    private volatile bool _refused;
    private bool _registered;
    private AgentRejections? _rejectedAcknowledged;

    public ControlClient(
        Uri dashboard,
        string fleetToken,
        IAgentClient commands,
        Func<AgentRegistration> registration,
        Func<CancellationToken, Task<AgentStatusReport>> status,
        RecentLogs logs,
        ControlClientOptions options,
        TimeProvider time,
        ILogger logger)
    {
        _hub = new Uri(dashboard, AgentHubRoutes.Path);
        _registration = registration;
        _status = status;
        _logs = logs;
        _options = options;
        _time = time;
        _logger = logger;
        string token = HubToken.Derive(fleetToken);
        _connection = new HubConnectionBuilder()
            .WithUrl(_hub, o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                // Our hub always offers WebSockets: going straight to it skips the negotiate request
                // and the HTTP client stack it needs (memory on a Pi; see README, agent footprint).
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .WithAutomaticReconnect(new BackoffRetryPolicy(options))
            .Build();
        _connection.ServerTimeout = options.ServerTimeout;
        _connection.KeepAliveInterval = options.KeepAliveInterval;
        _connection.On(nameof(IAgentClient.StartAgent), commands.StartAgent);
        _connection.On(nameof(IAgentClient.StopAgent), commands.StopAgent);
        _connection.On(nameof(IAgentClient.RestartAgent), commands.RestartAgent);
        _connection.On<string, CommandResult>(nameof(IAgentClient.ApplyConfig), commands.ApplyConfig);
        _connection.On<string, CommandResult>(nameof(IAgentClient.SetGeneratorMode), commands.SetGeneratorMode);
        _connection.On<double, CommandResult>(nameof(IAgentClient.SetThreshold), commands.SetThreshold);
        _connection.Reconnected += async _ =>
        {
            LogConnected(_hub);
            await RegisterAsync(_stopping.Token).ConfigureAwait(false);
        };
        _connection.Reconnecting += ex =>
        {
            // Forgotten now, not once reconnected: the status loop must not report on the new
            // connection before it is registered (a dashboard drops such a report).
            Registered = false;
            LogDisconnected(_hub, ex?.Message ?? "closed");
            return Task.CompletedTask;
        };
        _connection.Closed += ex =>
        {
            // Automatic reconnection gave up (it does not with our policy) or we are stopping.
            Registered = false;
            if (!_stopping.IsCancellationRequested)
            {
                _loops.Enqueue(Task.Run(() => ConnectLoopAsync(_stopping.Token), CancellationToken.None));
            }

            return Task.CompletedTask;
        };
    }

    public bool IsConnected => _connection.State == HubConnectionState.Connected;

    /// <summary>Registered on the current connection.</summary>
    public bool Registered
    {
        get => Volatile.Read(ref _registered);
        private set => Volatile.Write(ref _registered, value);
    }

    public void Start()
    {
        _loops.Enqueue(Task.Run(() => ConnectLoopAsync(_stopping.Token), CancellationToken.None));
        _loops.Enqueue(Task.Run(() => ReportLoopAsync(_stopping.Token), CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        if (IsConnected && Registered)
        {
            // Say goodbye, so the dashboard records "Left", not "Lost"; a silent hub does not hold the stop up.
            try
            {
                await _connection.InvokeAsync(nameof(IAgentHub.Leaving)).WaitAsync(_options.LeaveTimeout).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogReportFailed(nameof(IAgentHub.Leaving), ex.Message);
            }
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops.ToArray()).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Stopping must go on to the leave and the final checkpoint whatever a loop ended with.
            LogReportFailed("stop", ex.Message);
        }

        try
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogReportFailed("close", ex.Message);
        }

        _stopping.Dispose();
    }

    private async Task ConnectLoopAsync(CancellationToken cancellationToken)
    {
        // The first connection is not covered by automatic reconnection: retry it ourselves.
        for (long attempt = 0; !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await _connection.StartAsync(cancellationToken).ConfigureAwait(false);
                LogConnected(_hub);
                await RegisterAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return; // stopping; SignalR reports a cancelled start as an AggregateException of transports
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Unreachable, refused, TLS, transports all failing: whatever it is, the agent carries on and retries.
                if (attempt == 0 || attempt % 10 == 0)
                {
                    LogConnectFailed(_hub, ex.Message, attempt + 1);
                }
            }

            try
            {
                await Task.Delay(BackoffRetryPolicy.Delay(attempt, _options), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends the registration again (the config changed): the dashboard shows what is applied, not what was.</summary>
    public Task RegisterAgainAsync() => IsConnected ? RegisterAsync(_stopping.Token) : Task.CompletedTask;

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await _connection.InvokeAsync<CommandResult>(nameof(IAgentHub.Register), _registration(), cancellationToken).ConfigureAwait(false);
            Registered = result.Accepted;
            _refused = !result.Accepted;
            if (!result.Accepted)
            {
                LogRegistrationRefused(_hub, result.Message);
            }
            else
            {
                await ReportAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsTransient(ex, cancellationToken))
        {
            // The next (re)connection registers again.
            LogReportFailed(nameof(IAgentHub.Register), ex.Message);
        }
    }

    private async Task ReportLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.StatusInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (IsConnected && !Registered && !_refused)
                {
                    // Connected but the registration failed (a timeout while it was under way): try again.
                    await RegisterAsync(cancellationToken).ConfigureAwait(false);
                }
                else if (IsConnected && Registered)
                {
                    await ReportAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task ReportAsync(CancellationToken cancellationToken)
    {
        try
        {
            var status = await _status(cancellationToken).ConfigureAwait(false);
            status = status with { RejectedBefore = _rejectedAcknowledged ?? status.RejectedBefore };
            await _connection.InvokeAsync(nameof(IAgentHub.ReportStatus), status, cancellationToken).ConfigureAwait(false);
            _rejectedAcknowledged = status.Rejected;
            var (lines, mark) = _logs.Since(Interlocked.Read(ref _logMark));
            if (lines.Count > 0)
            {
                await _connection.InvokeAsync(nameof(IAgentHub.ReportLogs), lines, cancellationToken).ConfigureAwait(false);
                Interlocked.Exchange(ref _logMark, mark);
            }
        }
        catch (Exception ex) when (IsTransient(ex, cancellationToken))
        {
            // Not connected at this instant, or the hub timed out (TimeoutException); the next tick tries again.
            LogReportFailed(nameof(IAgentHub.ReportStatus), ex.Message);
        }
    }

    /// <summary>
    /// Anything but our own stop: hub errors, a dropped connection, a "Server timeout" (TimeoutException),
    /// a cancelled invocation of a closing connection. None of them may end the loops.
    /// </summary>
    private static bool IsTransient(Exception ex, CancellationToken stopping) =>
        ex is not OutOfMemoryException && !(ex is OperationCanceledException && stopping.IsCancellationRequested);

    [LoggerMessage(EventId = 2501, Level = LogLevel.Information, Message = "Connected to the dashboard hub {Hub}")]
    private partial void LogConnected(Uri hub);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Warning, Message = "Lost the dashboard hub {Hub}: {Reason}; reconnecting")]
    private partial void LogDisconnected(Uri hub, string reason);

    [LoggerMessage(EventId = 2503, Level = LogLevel.Warning, Message = "Dashboard hub {Hub} not reachable: {Reason} (attempt {Attempt}); the agent keeps working and retries")]
    private partial void LogConnectFailed(Uri hub, string reason, long attempt);

    [LoggerMessage(EventId = 2504, Level = LogLevel.Error, Message = "Dashboard hub {Hub} refused the registration: {Reason}")]
    private partial void LogRegistrationRefused(Uri hub, string reason);

    [LoggerMessage(EventId = 2505, Level = LogLevel.Debug, Message = "{Call} to the dashboard failed: {Reason}")]
    private partial void LogReportFailed(string call, string reason);
}
