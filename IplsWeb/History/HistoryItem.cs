using IplsWeb.Fleet;

namespace IplsWeb.History;

/// <summary>One queued history write: a score or an event (exactly one of the two).</summary>
public readonly record struct HistoryItem
{
    private HistoryItem(ScoreRow? score, FleetEvent? fleetEvent) => (Score, Event) = (score, fleetEvent);

    public ScoreRow? Score { get; }

    public FleetEvent? Event { get; }

    public static HistoryItem Of(ScoreRow score) => new(score, null);

    public static HistoryItem Of(FleetEvent fleetEvent) => new(null, fleetEvent);
}
