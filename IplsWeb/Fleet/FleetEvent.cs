namespace IplsWeb.Fleet;

/// <summary>Something that happened in the fleet, for the events page and the history.</summary>
public sealed record FleetEvent(DateTimeOffset At, FleetEventKind Kind, string Subject, string Detail);
