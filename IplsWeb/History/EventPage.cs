using IplsWeb.Fleet;

namespace IplsWeb.History;

/// <summary>One page of the event history, newest first, and how many events match in all.</summary>
public sealed record EventPage(int Total, IReadOnlyList<FleetEvent> Items);
