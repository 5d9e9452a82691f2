namespace IplsWeb.Hosting;

/// <summary>The fleet token this dashboard and its agents share (resolved once at start).</summary>
public sealed record FleetSecret(string Token);
