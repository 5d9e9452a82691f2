using IplsWeb.Fleet;
using Microsoft.AspNetCore.Components;

namespace IplsWeb.Components.Charts;

/// <summary>
/// The one live-chart loop: every <see cref="Interval"/> (a <see cref="PeriodicTimer"/> on the
/// injected <see cref="TimeProvider"/>) the items that arrived since the last one shown are read
/// from the vehicle's <see cref="TimeWindow{T}"/> and appended to the chart in one batch, whatever
/// the message rate. By arrival, not by time: an item that arrives late (after an outage) still
/// reaches the chart, which puts it in place. Subclasses say where the items are and how they become series.
/// </summary>
public abstract class LiveChart<T> : ComponentBase, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private long _shownMark = -1;

    [Inject]
    protected FleetState Fleet { get; set; } = default!;

    [Inject]
    protected TimeProvider Time { get; set; } = default!;

    protected TimeSeriesChart? Chart { get; set; }

    [Parameter, EditorRequired]
    public int Vehicle { get; set; }

    [Parameter]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    [Parameter]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Where the items are.</summary>
    protected abstract TimeWindow<T> Source { get; }

    /// <summary>A batch of items as one list of points per series.</summary>
    protected abstract IReadOnlyList<IReadOnlyList<ChartPoint>> ToSeries(T[] items);

    /// <summary>Called once per tick after the append (e.g. to follow the threshold).</summary>
    protected virtual Task OnTickAsync() => Task.CompletedTask;

    // The chart element renders once; data goes through interop only.
    protected override bool ShouldRender() => false;

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _loop = RunAsync(_stopping.Token);
        }
    }

    /// <summary>One tick's work (tests call it directly).</summary>
    internal async Task PushAsync()
    {
        if (Chart is null)
        {
            return;
        }

        T[] items;
        if (_shownMark < 0)
        {
            // First tick: the window so far. The mark is taken first, so an item added in between
            // may show twice, never not at all.
            _shownMark = Source.AddedAfter(long.MaxValue).Mark;
            items = Source.Since(Time.GetUtcNow().Subtract(Window).ToUnixTimeMilliseconds());
        }
        else
        {
            (items, _shownMark) = Source.AddedAfter(_shownMark);
        }

        if (items.Length > 0)
        {
            await Chart.AppendAsync(ToSeries(items)).ConfigureAwait(true);
        }

        await OnTickAsync().ConfigureAwait(true);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await InvokeAsync(PushAsync).ConfigureAwait(false); // what is there already, at once
            using var timer = new PeriodicTimer(Interval, Time);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await InvokeAsync(PushAsync).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // the component is gone
        }
        catch (ObjectDisposedException)
        {
            // the circuit's renderer is gone
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
        GC.SuppressFinalize(this);
    }
}
