namespace IplsWeb.Hosting;

/// <summary>The dashboard's settings (section "Dashboard" of appsettings.json, env DASHBOARD__*, or --Dashboard:Key=value).</summary>
public sealed record DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>Address the UI, hub and broker listen on. Loopback by default; anything else turns on sign-in and broker credentials.</summary>
    public string BindAddress { get; init; } = "127.0.0.1";

    public int HttpPort { get; init; } = 5601;

    /// <summary>MQTT over TCP; MQTT over WebSockets is served on the HTTP port at /mqtt.</summary>
    public int MqttPort { get; init; } = 1883;

    /// <summary>SQLite history, the generated fleet token and the demo fleet's state live here.</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary>The fleet secret (≥ 16 characters). Empty: generated once and kept in the data directory.</summary>
    public string? FleetToken { get; init; }

    public DemoFleetOptions DemoFleet { get; init; } = new();
}
