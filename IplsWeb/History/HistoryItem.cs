using IplsWeb.Fleet;

namespace IplsWeb.History;

/// <summary>One queued history write: a score, an event or an alert (exactly one of them).</summary>
public readonly record struct HistoryItem
{
    private HistoryItem(ScoreRow? score, FleetEvent? fleetEvent, Alert? alert = null) => (Score, Event, Alert) = (score, fleetEvent, alert);

    public ScoreRow? Score { get; }

    public FleetEvent? Event { get; }

    /// <summary>An alert opened or resolved (the store keeps one row per episode).</summary>
    public Alert? Alert { get; }

    public static HistoryItem Of(ScoreRow score) => new(score, null);

    public static HistoryItem Of(FleetEvent fleetEvent) => new(null, fleetEvent);

    public static HistoryItem Of(Alert alert) => new(null, null, alert);
}
