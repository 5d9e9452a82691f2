using IplsWeb.Fleet;
using IplsWeb.History;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace IplsWeb.Components.Pages;

/// <summary>The event history, a page at a time from the history store (the in-memory last events when it cannot be read).</summary>
public sealed partial class Events
{
    // The history file is written about once a second: keep reloading the first page for a few ticks after an event.
    private const int ReloadTicksAfterEvent = 3;

    private readonly string _zone = Times.Format(DateTimeOffset.UnixEpoch, TimeZoneInfo.Local)[9..];
    private MudTable<EventRun>? _table;
    private IReadOnlyCollection<FleetEventKind> _kinds = [];
    private string? _fallback;
    private int _reloadTicks;

    [Inject]
    private IHistoryStore History { get; set; } = default!;

    protected override bool Shows(FleetChange change) => false; // the table reloads itself after events

    protected override void OnInitialized()
    {
        base.OnInitialized();
        Fleet.EventRaised += OnEventRaised;
    }

    protected override async Task OnTickAsync()
    {
        if (_table is not null && _reloadTicks > 0 && _table.CurrentPage == 0)
        {
            _reloadTicks--;
            await _table.ReloadServerData();
            Invalidate();
        }
    }

    private void OnEventRaised(FleetEvent e) => _reloadTicks = ReloadTicksAfterEvent;

    private async Task OnKindsChangedAsync(IReadOnlyCollection<FleetEventKind>? kinds)
    {
        _kinds = kinds ?? [];
        if (_table is not null)
        {
            await _table.ReloadServerData();
        }
    }

    private async Task<TableData<EventRun>> LoadAsync(TableState state, CancellationToken cancellationToken)
    {
        try
        {
            var page = await History.EventPageAsync(_kinds, state.Page * state.PageSize, state.PageSize, cancellationToken);
            _fallback = null;
            return new TableData<EventRun> { TotalItems = page.Total, Items = EventRun.Group(page.Items) };
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            _fallback = $"The event history cannot be read ({ex.Message}); showing the last {FleetState.EventsKept:N0} events kept in memory.";
            var events = Fleet.Events().Where(e => _kinds.Count == 0 || _kinds.Contains(e.Kind)).ToArray();
            return new TableData<EventRun> { TotalItems = events.Length, Items = EventRun.Group(events.Skip(state.Page * state.PageSize).Take(state.PageSize)) };
        }
    }

    private static string KindClass(FleetEventKind kind) => kind switch
    {
        FleetEventKind.Lost or FleetEventKind.Rejected or FleetEventKind.AlertFiring => "bad",
        FleetEventKind.ThresholdCrossed => "warn",
        FleetEventKind.Joined or FleetEventKind.AlertResolved => "good",
        _ => "plain",
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Fleet.EventRaised -= OnEventRaised;
        }

        base.Dispose(disposing);
    }
}
