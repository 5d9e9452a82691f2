using IplsWeb.Fleet;
using IplsWeb.History;
using Microsoft.AspNetCore.Components;

namespace IplsWeb.Components.Pages;

/// <summary>Anomaly alerts: this session's (live, firing ones with their current peak) over the stored history.</summary>
public sealed partial class Alerts
{
    private const int Shown = 200;
    private IReadOnlyList<Alert> _alerts = [];
    private IReadOnlyList<Alert> _stored = [];
    private DateTimeOffset _now;
    private string? _fallback;
    private readonly string _zone = Times.Format(DateTimeOffset.UnixEpoch, TimeZoneInfo.Local)[9..];

    [Inject]
    private IHistoryStore History { get; set; } = default!;

    protected override bool Shows(FleetChange change) => change.Kind == FleetChangeKind.Alert;

    protected override async Task OnInitializedAsync()
    {
        try
        {
            _stored = await History.AlertsAsync(Shown, CancellationToken.None);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            _fallback = $"The alert history cannot be read ({ex.Message}); showing this session's alerts.";
        }

        Merge();
    }

    // Durations of firing alerts grow: render every tick while one fires.
    protected override Task OnTickAsync()
    {
        if (_alerts.Any(a => a.State == AlertState.Firing))
        {
            Merge();
            Invalidate();
            StateHasChanged();
        }

        return Task.CompletedTask;
    }

    protected override bool ShouldRender()
    {
        bool render = base.ShouldRender();
        if (render)
        {
            Merge();
        }

        return render;
    }

    private void Merge()
    {
        _now = Time.GetUtcNow();
        var live = Fleet.Alerts.All();
        var keys = live.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        _alerts = [.. live.Concat(_stored.Where(a => !keys.Contains(a.Key))).OrderByDescending(a => a.StartedAt).Take(Shown)];
    }

    private static string FormatDuration(TimeSpan d) =>
        d.TotalHours >= 1 ? $"{(int)d.TotalHours} h {d.Minutes} min" : d.TotalMinutes >= 1 ? $"{d.Minutes} min {d.Seconds} s" : $"{d.Seconds} s";
}
