using System.Threading.Channels;
using IplsCore.Logging;
using IplsWeb.Fleet;
using IplsWeb.Hosting;
using Microsoft.Data.Sqlite;

namespace IplsWeb.History;

/// <summary>
/// Moves scores and events from the live fleet state into SQLite: queued without ever blocking the
/// broker (a full queue drops and counts), written in batches (one transaction per flush), pruned to
/// the retention every ten minutes, and flushed once more on shutdown. A failing write is logged and
/// counted; the dashboard keeps running on its in-memory state.
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
    private readonly TaskCompletionSource<HistoryStore> _store = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _path;
    private long _written;
    private long _dropped;
    private long _lost;
    private readonly RateLimiter _dropLog;

    public HistoryWriter(FleetState fleet, RuntimeSettings settings, DashboardOptions options, TimeProvider time, ILogger<HistoryWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(options);
        _fleet = fleet;
        _settings = settings;
        _time = time;
        _dropLog = new RateLimiter(time, TimeSpan.FromMinutes(1));
        _logger = logger;
        _options = options.History;
        _queue = Channel.CreateBounded<HistoryItem>(new BoundedChannelOptions(_options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _path = System.IO.Path.Combine(options.DataDirectory, "history.db");
        fleet.ScoreAdded += (vehicle, point) => Enqueue(HistoryItem.Of(new ScoreRow(vehicle, point.AtUnixMs, point.Score)));
        fleet.EventRaised += e => Enqueue(HistoryItem.Of(e));
        fleet.AlertChanged += a => Enqueue(HistoryItem.Of(a));
    }

    public long Written => Interlocked.Read(ref _written);

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Rows waiting for the next write; a source that can wait (the external broker's client) holds back near <see cref="HistoryOptions.QueueCapacity"/>.</summary>
    public int Pending => _queue.Reader.Count;

    /// <summary>The store, once open (pages await it).</summary>
    public Task<HistoryStore> Store => _store.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        HistoryStore store;
        try
        {
            store = await HistoryStore.OpenAsync(_path, stoppingToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            LogOpenFailed(_path, ex.Message);
            _store.TrySetException(ex);
            return;
        }

        _store.TrySetResult(store);
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
            while (await FlushAsync(store, CancellationToken.None).ConfigureAwait(false) > 0)
            {
            }

            await store.DisposeAsync().ConfigureAwait(false);
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

    private async Task<int> FlushAsync(HistoryStore store, CancellationToken cancellationToken)
    {
        var scores = new List<ScoreRow>();
        var events = new List<FleetEvent>();
        var alerts = new List<Alert>();
        while (scores.Count + events.Count + alerts.Count < _options.MaxBatch && _queue.Reader.TryRead(out var item))
        {
            if (item.Score is { } row)
            {
                scores.Add(row);
            }
            else if (item.Event is { } e)
            {
                events.Add(e);
            }
            else if (item.Alert is { } alert)
            {
                alerts.Add(alert);
            }
        }

        int count = scores.Count + events.Count + alerts.Count;
        if (count == 0)
        {
            return 0;
        }

        try
        {
            await store.WriteAsync(scores, events, cancellationToken).ConfigureAwait(false);
            await store.WriteAlertsAsync(alerts, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _written, count);
        }
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException or IOException)
        {
            // Counted and logged; the writer keeps going (an exception here must not stop the host).
            Interlocked.Add(ref _lost, count);
            LogWriteFailed(count, store.Path, ex.Message);
        }

        return count;
    }

    private async Task PruneAsync(HistoryStore store, CancellationToken cancellationToken)
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
        catch (SqliteException ex)
        {
            LogWriteFailed(0, store.Path, "pruning: " + ex.Message);
        }
    }

    [LoggerMessage(EventId = 5401, Level = LogLevel.Error, Message = "History database {Path} could not be opened: {Reason}; history is off")]
    private partial void LogOpenFailed(string path, string reason);

    [LoggerMessage(EventId = 5402, Level = LogLevel.Error, Message = "Lost {Count} history rows: writing to {Path} failed: {Reason}")]
    private partial void LogWriteFailed(int count, string path, string reason);

    [LoggerMessage(EventId = 5403, Level = LogLevel.Warning, Message = "History queue full: {Dropped} rows dropped so far")]
    private partial void LogDropped(long dropped);

    [LoggerMessage(EventId = 5404, Level = LogLevel.Information, Message = "History pruned: {Deleted} rows older than {Hours} h")]
    private partial void LogPruned(int deleted, int hours);
}
