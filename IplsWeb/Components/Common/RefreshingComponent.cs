using IplsWeb.Fleet;
using Microsoft.AspNetCore.Components;

namespace IplsWeb.Components.Common;

/// <summary>
/// Base for live views: subscribes to the fleet's changes, keeps those it shows (<see cref="Shows"/>)
/// as a flag, and renders at most once per <see cref="RefreshInterval"/> (a <see cref="PeriodicTimer"/>
/// on the injected <see cref="TimeProvider"/>) when the flag is set. Messages arrive at up to 256 per
/// second; a card whose vehicle is quiet does not render at all.
/// </summary>
public abstract class RefreshingComponent : ComponentBase, IHandleEvent, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private int _changed = 1;
    private bool _render = true;

    [Inject]
    protected FleetState Fleet { get; set; } = default!;

    [Inject]
    protected TimeProvider Time { get; set; } = default!;

    protected virtual TimeSpan RefreshInterval => TimeSpan.FromSeconds(1);

    /// <summary>Whether a change matters to this view; the default is every change.</summary>
    protected virtual bool Shows(FleetChange change) => true;

    protected override void OnInitialized()
    {
        Fleet.Changed += OnFleetChanged;
        _ = RefreshLoopAsync(_stopping.Token);
    }

    /// <summary>Called on every tick; the default does nothing.</summary>
    protected virtual Task OnTickAsync() => Task.CompletedTask;

    protected override bool ShouldRender()
    {
        bool render = _render;
        _render = false;
        return render;
    }

    /// <summary>User actions always render, before and after their handler, whatever the fleet did.</summary>
    async Task IHandleEvent.HandleEventAsync(EventCallbackWorkItem callback, object? arg)
    {
        var task = callback.InvokeAsync(arg);
        Invalidate();
        StateHasChanged();
        await task.ConfigureAwait(true);
        Invalidate();
        StateHasChanged();
    }

    /// <summary>Forces the next render (after a user action).</summary>
    protected void Invalidate() => _render = true;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Fleet.Changed -= OnFleetChanged;
            _stopping.Cancel();
            _stopping.Dispose();
        }
    }

    private void OnFleetChanged(FleetChange change)
    {
        if (Volatile.Read(ref _changed) == 0 && Shows(change))
        {
            Volatile.Write(ref _changed, 1);
        }
    }

    private async Task RefreshLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(RefreshInterval, Time);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await InvokeAsync(RefreshAsync).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // the component is gone
        }
        catch (ObjectDisposedException)
        {
            // the circuit is gone
        }
    }

    private async Task RefreshAsync()
    {
        await OnTickAsync().ConfigureAwait(true);
        if (Interlocked.Exchange(ref _changed, 0) == 1)
        {
            _render = true;
            StateHasChanged();
        }
    }
}
