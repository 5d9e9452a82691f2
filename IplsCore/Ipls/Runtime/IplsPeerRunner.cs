using System.Threading.Channels;
using IplsCore.Ipls.Node;
using IplsCore.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IplsCore.Ipls.Runtime;

/// <summary>
/// Runs an <see cref="IplsNode"/> on a real <see cref="IIplsTransport"/> in real (or injected)
/// time. All node access happens on one loop fed by a bounded command channel (incoming messages,
/// ticks, local deltas, content results), so the node needs no locks; other threads read the
/// immutable <see cref="FleetModel"/> snapshot.
/// </summary>
public sealed partial class IplsPeerRunner : IAsyncDisposable
{
    private readonly IplsNode _node;
    private readonly IIplsTransport _transport;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _tick;
    private readonly Channel<Action> _commands = Channel.CreateBounded<Action>(new BoundedChannelOptions(4096) { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _tasks = [];
    private FleetModelSnapshot _snapshot;
    private long[] _publishedVersions;
    private bool _publishedSynchronized;

    public IplsPeerRunner(IplsNode node, IIplsTransport transport, TimeProvider? time = null, ILogger? logger = null, TimeSpan? tick = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(transport);
        _node = node;
        _transport = transport;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _tick = tick ?? TimeSpan.FromMilliseconds(250);
        _publishedVersions = node.Versions.ToArray();
        _snapshot = new FleetModelSnapshot(node.FleetModel.ToArray(), _publishedVersions, node.IsSynchronized);
    }

    public string Id => _node.Id;

    /// <summary>The newest fleet model, replaced atomically whenever a partition version changes.</summary>
    public FleetModelSnapshot FleetModel => Volatile.Read(ref _snapshot);

    public void Start()
    {
        if (_tasks.Count > 0)
        {
            throw new InvalidOperationException("Already started.");
        }

        var token = _stopping.Token;
        Post(() => _node.Start(_time.GetUtcNow()));
        _tasks.Add(Task.Run(() => LoopAsync(token), CancellationToken.None));
        _tasks.Add(Task.Run(() => PumpAsync(token), CancellationToken.None));
        _tasks.Add(Task.Run(() => TickAsync(token), CancellationToken.None));
    }

    /// <summary>Shares a local round (Δ = start − fitted) with the fleet.</summary>
    public ValueTask SubmitDeltaAsync(float[] delta, long[] baseVersions, int samples, int round, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delta);
        ArgumentNullException.ThrowIfNull(baseVersions);
        return _commands.Writer.WriteAsync(
            () => _node.SubmitDelta(delta, baseVersions, samples, round, _time.GetUtcNow()),
            cancellationToken);
    }

    /// <summary>Runs <paramref name="query"/> on the loop (for status reports) over a read-only view of the node and returns its result.</summary>
    public async Task<T> QueryAsync<T>(Func<IIplsNodeView, T> query, CancellationToken cancellationToken)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _commands.Writer.WriteAsync(
            () =>
            {
                try
                {
                    result.SetResult(query(_node));
                }
                catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
                {
                    result.SetException(ex);
                }
            },
            cancellationToken).ConfigureAwait(false);
        return await result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Leaves the fleet gracefully (if <paramref name="leave"/>), then stops the loops.</summary>
    public async Task StopAsync(bool leave, CancellationToken cancellationToken)
    {
        if (leave && !_stopping.IsCancellationRequested && _tasks.Count > 0)
        {
            var left = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_commands.Writer.TryWrite(() =>
            {
                _node.Leave(_time.GetUtcNow());
                left.TrySetResult();
            }))
            {
                try
                {
                    await left.Task.WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);

                    // Give the loop a moment to put the leave message on the wire.
                    await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    LogLeaveTimedOut(_node.Id);
                }
            }
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_tasks).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(leave: false, CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void Post(Action command)
    {
        if (!_commands.Writer.TryWrite(command))
        {
            LogCommandDropped(_node.Id);
        }
    }

    private async Task PumpAsync(CancellationToken token)
    {
        try
        {
            await foreach (var message in _transport.Messages.ReadAllAsync(token).ConfigureAwait(false))
            {
                var m = message;
                await _commands.Writer.WriteAsync(() => _node.Receive(m.Topic, m.Payload, _time.GetUtcNow()), token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private async Task TickAsync(CancellationToken token)
    {
        using var timer = new PeriodicTimer(_tick, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                await _commands.Writer.WriteAsync(() => _node.Tick(_time.GetUtcNow()), token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private async Task LoopAsync(CancellationToken token)
    {
        try
        {
            while (await _commands.Reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (_commands.Reader.TryRead(out var command))
                {
                    try
                    {
                        command();
                    }
                    catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or Engine.NonFiniteValueException)
                    {
                        // One bad command (say, a malformed local delta) must not stop the node.
                        LogCommandFailed(_node.Id, ex.Message);
                    }

                    await ExecuteActionsAsync(token).ConfigureAwait(false);
                }

                PublishSnapshotIfChanged();
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private async Task ExecuteActionsAsync(CancellationToken token)
    {
        // Executing an action can queue more (a confirmed subscription asks for state): drain until empty.
        IReadOnlyList<NodeAction> actions;
        while ((actions = _node.DrainActions()).Count > 0)
        {
            await ExecuteAsync(actions, token).ConfigureAwait(false);
        }
    }

    private async Task ExecuteAsync(IReadOnlyList<NodeAction> actions, CancellationToken token)
    {
        foreach (var action in actions)
        {
            try
            {
                switch (action)
                {
                    case PublishAction publish:
                        await _transport.PublishAsync(publish.Topic, publish.Payload, token).ConfigureAwait(false);
                        break;
                    case SubscribeAction subscribe:
                        await _transport.SubscribeAsync(subscribe.Topic, token).ConfigureAwait(false);
                        _node.OnSubscribed(subscribe.Topic, _time.GetUtcNow());
                        break;
                    case UnsubscribeAction unsubscribe:
                        await _transport.UnsubscribeAsync(unsubscribe.Topic, token).ConfigureAwait(false);
                        break;
                    case StoreContentAction store:
                        _ = Task.Run(() => StoreAsync(store, token), token);
                        break;
                    case FetchContentAction fetch:
                        _ = Task.Run(() => FetchAsync(fetch, token), token);
                        break;
                }
            }
            catch (TransportUnavailableException ex)
            {
                // The protocol tolerates lost messages; a later heartbeat or round makes up for it.
                LogActionFailed(_node.Id, action.GetType().Name, ex.Message);
            }
        }
    }

    private async Task StoreAsync(StoreContentAction store, CancellationToken token)
    {
        try
        {
            string id = await _transport.PutContentAsync(store.Content, token).ConfigureAwait(false);
            Post(() => _node.OnContentStored(store.Nonce, id, store.Content, _time.GetUtcNow()));
        }
        catch (TransportUnavailableException ex)
        {
            LogActionFailed(_node.Id, nameof(StoreContentAction), ex.Message);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private async Task FetchAsync(FetchContentAction fetch, CancellationToken token)
    {
        try
        {
            byte[]? content = await _transport.GetContentAsync(fetch.ContentId, token).ConfigureAwait(false);
            Post(() =>
            {
                if (content is null)
                {
                    _node.OnContentFetchFailed(fetch.Nonce, _time.GetUtcNow());
                }
                else
                {
                    _node.OnContentFetched(fetch.Nonce, content, _time.GetUtcNow());
                }
            });
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private void PublishSnapshotIfChanged()
    {
        var versions = _node.Versions;
        if (versions.SequenceEqual(_publishedVersions) && _node.IsSynchronized == _publishedSynchronized)
        {
            return;
        }

        _publishedVersions = versions.ToArray();
        _publishedSynchronized = _node.IsSynchronized;
        var snapshot = new FleetModelSnapshot(_node.FleetModel.ToArray(), _publishedVersions, _publishedSynchronized);
        Volatile.Write(ref _snapshot, snapshot);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Node {Node}: {Action} failed: {Error}")]
    private partial void LogActionFailed(string node, string action, string error);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Node {Node}: command queue full, a command was dropped")]
    private partial void LogCommandDropped(string node);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Error, Message = "Node {Node}: a command failed and was skipped: {Error}")]
    private partial void LogCommandFailed(string node, string error);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Node {Node}: graceful leave timed out")]
    private partial void LogLeaveTimedOut(string node);
}
