using System.Data.Common;
using System.Threading.Channels;
using IplsCore.Logging;
using IplsWeb.Fleet;
using IplsWeb.Hosting;

namespace IplsWeb.History;

/// <summary>
/// Moves scores and events from the live fleet state into the history store (SQLite or PostgreSQL):
/// queued without ever blocking the broker (a full queue drops and counts), written in batches (one
/// transaction per flush), pruned to the retention every ten minutes, and flushed once more on
/// shutdown. The store is opened at start (an unreachable server is retried for
/// <see cref="HistoryOptions.StartTimeout"/>, then the dashboard does not start). A failing write is
/// logged and counted; the dashboard keeps running on its in-memory state.
/// </summary>
public sealed partial class HistoryWriter : BackgroundService
{
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(10);

    private readonly FleetState _fleet;
    private readonly RuntimeSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<HistoryWriter> _logger;
    private readonly HistoryOptions _options;
    private readonly Channel<HistoryItem> _queue;
    private readonly IHistoryStore _store;
    private Batch? _held; // only the flush loop touches it
    private long _written;
    private long _dropped;
    private long _lost;
    private readonly RateLimiter _dropLog;

    public HistoryWriter(FleetState fleet, IHistoryStore store, RuntimeSettings settings, DashboardOptions options, TimeProvider time, ILogger<HistoryWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(options);
        _fleet = fleet;
        _store = store;
        _settings = settings;
        _time = time;
        _dropLog = new RateLimiter(time, TimeSpan.FromMinutes(1));
        _logger = logger;
        _options = options.History;
        _queue = Channel.CreateBounded<HistoryItem>(new BoundedChannelOptions(_options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        fleet.ScoreAdded += (vehicle, point) => Enqueue(HistoryItem.Of(new ScoreRow(vehicle, point.AtUnixMs, point.Score)));
        fleet.EventRaised += e => Enqueue(HistoryItem.Of(e));
        fleet.AlertChanged += a => Enqueue(HistoryItem.Of(a));
    }

    public long Written => Interlocked.Read(ref _written);

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Opens the store before anything is written or served; a store that cannot be opened stops the start.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await OpenStoreAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task OpenStoreAsync(CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _options.StartTimeout;
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
                LogOpened(_options.Provider, _store.Location);
                return;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException { IsTransient: true } && _time.GetUtcNow() + delay < deadline)
            {
                // A server not up yet (a compose stack starting together): retried until StartTimeout.
                LogOpenRetrying(_store.Location, Reason(ex), Math.Round((deadline - _time.GetUtcNow()).TotalSeconds, 1));
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException or UnauthorizedAccessException or TimeoutException)
            {
                LogOpenFailed(_store.Location, Reason(ex));
                throw new DashboardConfigurationException($"The history in {_store.Location} ({_options.Provider}) could not be opened: {Reason(ex)}", ex);
            }
        }
    }

    // Npgsql says "Failed to connect to host:port" and puts the why (refused, timed out) in the inner exception.
    private static string Reason(Exception ex) => ex.InnerException is { } inner && !ex.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{ex.Message} ({inner.Message})" : ex.Message;

    /// <summary>Rows waiting for the next write; a source that can wait (the external broker's client) holds back near <see cref="HistoryOptions.QueueCapacity"/>.</summary>
    public int Pending => _queue.Reader.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var store = _store;
        await PruneAsync(store, stoppingToken).ConfigureAwait(false);
        var lastPrune = _time.GetUtcNow();
        try
        {
            using var timer = new PeriodicTimer(_options.FlushInterval, _time);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                // Writes are not cancelled: a batch already taken from the queue must reach the file.
                while (await FlushAsync(store, CancellationToken.None).ConfigureAwait(false) == _options.MaxBatch)
                {
                    // a backlog: keep writing full batches
                }

                if (_time.GetUtcNow() - lastPrune >= PruneInterval)
                {
                    await PruneAsync(store, CancellationToken.None).ConfigureAwait(false);
                    lastPrune = _time.GetUtcNow();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down: the final flush follows
        }
        finally
        {
            // The store itself is the container's: disposed after the host stopped.
            while (await FlushAsync(store, CancellationToken.None, final: true).ConfigureAwait(false) > 0)
            {
            }
        }
    }

    private void Enqueue(HistoryItem item)
    {
        if (_queue.Writer.TryWrite(item))
        {
            return;
        }

        Interlocked.Increment(ref _dropped);
        if (_dropLog.TryAcquire("queue-full", out _))
        {
            LogDropped(Dropped);
        }
    }

    private async Task<int> FlushAsync(IHistoryStore store, CancellationToken cancellationToken, bool final = false)
    {
        var batch = _held ?? TakeBatch();
        _held = null;
        if (batch.Count == 0)
        {
            return 0;
        }

        try
        {
            if (!batch.RowsWritten)
            {
                await store.WriteAsync(batch.Scores, batch.Events, cancellationToken).ConfigureAwait(false);
                batch.RowsWritten = true; // a retry repeats only the alerts (upserts), never the events
            }

            await store.WriteAlertsAsync(batch.Alerts, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _written, batch.Count);
            if (batch.Held)
            {
                LogWriteResumed(store.Location, batch.Count);
            }

            return batch.Count;
        }
        catch (Exception ex) when (!final && ex is Npgsql.NpgsqlException { IsTransient: true } or TimeoutException)
        {
            // The server is away (restart, network): the batch is kept and written first at the next flush,
            // the queue fills meanwhile (a full queue drops and counts, as ever).
            batch.Held = true;
            _held = batch;
            if (_dropLog.TryAcquire("held", out _))
            {
                LogWriteHeld(batch.Count, store.Location, Reason(ex));
            }

            return 0;
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException or TimeoutException)
        {
            // Counted and logged; the writer keeps going (an exception here must not stop the host).
            // On the final flush nothing comes after: whatever is still queued is lost with this batch.
            int lost = batch.Count + (final ? DrainQueue() : 0);
            Interlocked.Add(ref _lost, lost);
            LogWriteFailed(lost, store.Location, Reason(ex));
            return final ? 0 : batch.Count;
        }
    }

    private Batch TakeBatch()
    {
        var batch = new Batch();
        while (batch.Count < _options.MaxBatch && _queue.Reader.TryRead(out var item))
        {
            if (item.Score is { } row)
            {
                batch.Scores.Add(row);
            }
            else if (item.Event is { } e)
            {
                batch.Events.Add(e);
            }
            else if (item.Alert is { } alert)
            {
                batch.Alerts.Add(alert);
            }
        }

        return batch;
    }

    private int DrainQueue()
    {
        int count = 0;
        while (_queue.Reader.TryRead(out _))
        {
            count++;
        }

        return count;
    }

    /// <summary>Rows taken from the queue for one write.</summary>
    private sealed class Batch
    {
        public List<ScoreRow> Scores { get; } = [];

        public List<FleetEvent> Events { get; } = [];

        public List<Alert> Alerts { get; } = [];

        public int Count => Scores.Count + Events.Count + Alerts.Count;

        /// <summary>Scores and events are in (only the alerts are left).</summary>
        public bool RowsWritten { get; set; }

        /// <summary>Kept through a failed write.</summary>
        public bool Held { get; set; }
    }

    private async Task PruneAsync(IHistoryStore store, CancellationToken cancellationToken)
    {
        long cutoff = _time.GetUtcNow().AddHours(-_settings.RetentionHours).ToUnixTimeMilliseconds();
        try
        {
            int deleted = await store.DeleteOlderThanAsync(cutoff, cancellationToken).ConfigureAwait(false);
            if (deleted > 0)
            {
                LogPruned(deleted, _settings.RetentionHours);
            }
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException or TimeoutException)
        {
            LogWriteFailed(0, store.Location, "pruning: " + Reason(ex));
        }
    }

    [LoggerMessage(EventId = 5401, Level = LogLevel.Error, Message = "History in {Location} could not be opened: {Reason}; the dashboard does not start")]
    private partial void LogOpenFailed(string location, string reason);

    [LoggerMessage(EventId = 5402, Level = LogLevel.Error, Message = "Lost {Count} history rows: writing to {Location} failed: {Reason}")]
    private partial void LogWriteFailed(int count, string location, string reason);

    [LoggerMessage(EventId = 5403, Level = LogLevel.Warning, Message = "History queue full: {Dropped} rows dropped so far")]
    private partial void LogDropped(long dropped);

    [LoggerMessage(EventId = 5404, Level = LogLevel.Information, Message = "History pruned: {Deleted} rows older than {Hours} h")]
    private partial void LogPruned(int deleted, int hours);

    [LoggerMessage(EventId = 5405, Level = LogLevel.Information, Message = "History: {Provider} in {Location}")]
    private partial void LogOpened(HistoryProvider provider, string location);

    [LoggerMessage(EventId = 5407, Level = LogLevel.Warning, Message = "History in {Location} unreachable: {Count} rows held and retried at every flush ({Reason}); new rows queue meanwhile")]
    private partial void LogWriteHeld(int count, string location, string reason);

    [LoggerMessage(EventId = 5408, Level = LogLevel.Information, Message = "History in {Location} reachable again: {Count} held rows written")]
    private partial void LogWriteResumed(string location, int count);

    [LoggerMessage(EventId = 5406, Level = LogLevel.Warning, Message = "History in {Location} not reachable yet: {Reason}; retrying for {RemainingSeconds} s more")]
    private partial void LogOpenRetrying(string location, string reason, double remainingSeconds);
}
