using IplsWeb.Fleet;
using Microsoft.AspNetCore.Components;

namespace IplsWeb.Components.Fleet;

/// <summary>
/// The dense fleet overview for fleets larger than cards can show: one row per vehicle in a
/// virtualized table (only rows on screen are rendered), sortable and filtered. The order of the
/// whole fleet (<see cref="VehicleOrder"/>) is rebuilt at most every <see cref="ResortInterval"/> or
/// when the operator changes it; a refresh re-reads only the rows on screen.
/// </summary>
public sealed partial class FleetTable
{
    public const float RowHeight = 41;

    private VehicleOrder _order = VehicleOrder.Empty;
    private DateTimeOffset _orderedAt = DateTimeOffset.MinValue;
    private OverviewSort _sort = OverviewSort.Attention;
    private bool _descending;
    private OverviewFilter _filter = OverviewFilter.All;
    private string? _text;

    [Inject]
    private OverviewCounters Counters { get; set; } = default!;

    /// <summary>How often the order of the whole fleet is rebuilt (rows on screen refresh every second).</summary>
    public static TimeSpan ResortInterval { get; } = TimeSpan.FromSeconds(3);

    protected override bool Shows(FleetChange change) => change.Kind is not (FleetChangeKind.Sensor or FleetChangeKind.Event);

    protected override void OnParametersSet() => Reorder();

    protected override bool ShouldRender()
    {
        bool render = base.ShouldRender();
        if (render && Time.GetUtcNow() - _orderedAt >= ResortInterval)
        {
            Reorder();
        }

        return render;
    }

    private void Reorder()
    {
        var now = Time.GetUtcNow();
        _order = VehicleOrder.Build(Fleet, now.ToUnixTimeMilliseconds(), _sort, _descending, _text, _filter);
        _orderedAt = now;
        Counters.OrderBuilt();
    }

    private Row ReadRow(int vehicle)
    {
        Counters.RowRendered();
        long now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        var state = Fleet.Vehicle(vehicle);
        var agent = _order.Agents.GetValueOrDefault(vehicle);
        var (share, _, maxima) = state.Trend.Read(now);
        double threshold = Fleet.Threshold;
        Counters.SparklineComputed();
        var trend = Sparkline.From(maxima, threshold);
        float? last = state.LastScore?.Score;
        var alert = Fleet.Alerts.Firing(vehicle);
        string alertText = alert is null ? "–" : $"since {Times.Format(alert.StartedAt, TimeZoneInfo.Local)}, peak {alert.Peak:F3}";
        string? note = agent is null ? "no agent registered" : agent.Registration.AgentId != $"vehicle-{vehicle}" ? "agent " + agent.Registration.AgentId : null;
        return new Row(agent, last, last > threshold, share, trend, alertText, note, agent?.Health is AgentHealth.Stopped or AgentHealth.Unreachable);
    }

    private void SortBy(OverviewSort sort)
    {
        _descending = _sort == sort && sort != OverviewSort.Attention && !_descending;
        _sort = sort;
        Reorder();
    }

    private Task FilterTextAsync(string? text)
    {
        _text = text;
        Reorder();
        return Task.CompletedTask;
    }

    private Task FilterStateAsync(OverviewFilter filter)
    {
        _filter = filter;
        Reorder();
        return Task.CompletedTask;
    }

    private string SortName => _sort switch
    {
        OverviewSort.Vehicle => "vehicle",
        OverviewSort.LastScore => "last score, highest first",
        OverviewSort.ShareAbove => "share above the threshold, highest first",
        OverviewSort.State => "state, unreachable first",
        _ => "attention: alerting, above the threshold, unreachable, stopped first",
    };

    private string? AriaSort(OverviewSort sort) => _sort != sort ? null
        : (sort == OverviewSort.Vehicle) != _descending ? "ascending" : "descending";

    private string Arrow(OverviewSort sort) => _sort != sort ? "" : (sort == OverviewSort.Vehicle) != _descending ? " ▲" : " ▼";

    private readonly record struct Row(AgentEntry? Agent, float? Last, bool Above, double Share, Sparkline Trend, string AlertText, string? AgentNote, bool Frozen);
}
