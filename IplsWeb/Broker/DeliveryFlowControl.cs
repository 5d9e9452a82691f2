using System.Collections.Concurrent;
using IplsCore.Logging;
using IplsWeb.Fleet;
using IplsWeb.Hosting;
using MQTTnet.Server;

namespace IplsWeb.Broker;

/// <summary>
/// Keeps the embedded broker lossless under bursts and bounded under a stuck subscriber. MQTTnet
/// delivers to one subscriber slower than many publishers can send, and its per-subscriber queue grows
/// costly when deep, so: every 5 ms the backlog of each client is read (<see cref="BacklogPolicy"/>);
/// while one that is draining is deep, incoming publishes wait (at most <see cref="BrokerOptions.MaxHold"/>)
/// before they are routed, which holds the publisher's PUBACK and so slows it down. Beyond
/// <see cref="BrokerOptions.MaxPendingPerClient"/> new messages are dropped for that subscriber only,
/// counted, logged and raised as events.
/// </summary>
public sealed partial class DeliveryFlowControl(MqttServer server, DashboardOptions options, FleetState fleet, TimeProvider time, ILogger<DeliveryFlowControl> logger)
    : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);

    private readonly BacklogPolicy _policy = new(options.Broker);
    private readonly ConcurrentDictionary<string, long> _droppedFor = new(StringComparer.Ordinal);
    private TaskCompletionSource _resume = NewResume();
    private volatile bool _holding;
    private long _held;
    private long _holdTimeouts;
    private long _dropped;
    private readonly RateLimiter _dropReports = new(time, ReportEvery);

    public BrokerFlowStatus Status => new(_holding, _policy.Deepest, Interlocked.Read(ref _held), Interlocked.Read(ref _holdTimeouts), Interlocked.Read(ref _dropped));

    /// <summary>Runs on the publisher's receive loop before the message is routed (InterceptingPublishAsync).</summary>
    public Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return _holding ? HoldAsync(e.CancellationToken) : Task.CompletedTask;
    }

    /// <summary>Counts messages the broker dropped for a subscriber whose queue is full.</summary>
    public Task OnEnqueuedOrDroppedAsync(ApplicationMessageEnqueuedEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.IsDropped)
        {
            Interlocked.Increment(ref _dropped);
            _droppedFor.AddOrUpdate(e.ReceiverClientId, 1, (_, n) => n + 1);
        }

        return Task.CompletedTask;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A thread of its own: under a message storm the thread pool's queue is long, and a timer tick
        // waiting in it would see the backlog far too late.
        var thread = new Thread(() => Observe(stoppingToken)) { IsBackground = true, Name = "broker flow control" };
        thread.Start();
        return Task.CompletedTask;
    }

    private void Observe(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.WaitHandle.WaitOne(Period))
            {
                ObserveAsync().GetAwaiter().GetResult();
            }
        }
        finally
        {
            _holding = false;
            _resume.TrySetResult();
        }
    }

    private async Task ObserveAsync()
    {
        if (!server.IsStarted)
        {
            return;
        }

        var clients = await server.GetClientsAsync().ConfigureAwait(false);
        var now = time.GetUtcNow();
        // MQTTnet counts from the client's side: what the broker sent to a client is its "received".
        var stalled = _policy.Observe(clients.Select(c => new SubscriberBacklog(c.Id, c.Session?.PendingApplicationMessagesCount ?? 0, c.ReceivedApplicationMessagesCount)), now);
        foreach (string client in stalled)
        {
            LogStalled(client, options.Broker.StallAfter.TotalSeconds);
            fleet.Raise(FleetEventKind.Rejected, client, $"MQTT subscriber {client} stopped reading; publishers no longer wait for it (its queue is capped at {options.Broker.MaxPendingPerClient:N0})");
        }

        bool wasHolding = _holding;
        _holding = _policy.Holding;
        if (wasHolding && !_holding)
        {
            Interlocked.Exchange(ref _resume, NewResume()).TrySetResult();
        }

        if (!_droppedFor.IsEmpty && _dropReports.TryAcquire("dropped", out _))
        {
            foreach (string client in _droppedFor.Keys)
            {
                if (_droppedFor.TryRemove(client, out long count))
                {
                    LogDropped(count, client, options.Broker.MaxPendingPerClient);
                    fleet.Raise(FleetEventKind.Rejected, client, $"broker dropped {count:N0} messages for {client}: its queue was full ({options.Broker.MaxPendingPerClient:N0})");
                }
            }
        }
    }

    private async Task HoldAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _held);
        try
        {
            await Volatile.Read(ref _resume).Task.WaitAsync(options.Broker.MaxHold, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Held long enough: route it anyway; a full queue then drops and counts.
            Interlocked.Increment(ref _holdTimeouts);
        }
    }

    private static TaskCompletionSource NewResume() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Warning, Message = "MQTT subscriber {Client} has sent nothing for {Seconds} s while messages wait; publishers no longer wait for it")]
    private partial void LogStalled(string client, double seconds);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Warning, Message = "Broker dropped {Count} messages for {Client}: its queue was full ({Limit})")]
    private partial void LogDropped(long count, string client, int limit);
}
