using IplsWeb.Fleet;
using Microsoft.AspNetCore.Components;

namespace IplsWeb.Components.Common;

/// <summary>
/// Base for live views: re-renders on a timer, and only when the fleet state changed since the last
/// render. Messages arrive at up to 256 per second; a page renders at most <see cref="RefreshInterval"/>.
/// </summary>
public abstract class RefreshingComponent : ComponentBase, IHandleEvent, IDisposable
{
    private Timer? _timer;
    private long _renderedVersion = -1;

    [Inject]
    protected FleetState Fleet { get; set; } = default!;

    protected virtual TimeSpan RefreshInterval => TimeSpan.FromSeconds(1);

    protected override void OnInitialized() =>
        _timer = new Timer(_ => _ = InvokeAsync(RefreshAsync), null, RefreshInterval, RefreshInterval);

    /// <summary>Called on the timer; the default re-renders when the fleet changed.</summary>
    protected virtual Task OnTickAsync() => Task.CompletedTask;

    protected override bool ShouldRender()
    {
        long version = Fleet.Version;
        if (version == _renderedVersion)
        {
            return false;
        }

        _renderedVersion = version;
        return true;
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
    protected void Invalidate() => _renderedVersion = -1;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timer?.Dispose();
        }
    }

    private async Task RefreshAsync()
    {
        await OnTickAsync().ConfigureAwait(true);
        StateHasChanged();
    }
}
