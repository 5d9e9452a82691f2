namespace IplsWeb.Hosting;

/// <summary>The dashboard's settings (section "Dashboard" of appsettings.json, env DASHBOARD__*, or --Dashboard:Key=value).</summary>
public sealed record DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>Address the UI, hub and broker listen on. Loopback by default; anything else turns on sign-in and broker credentials.</summary>
    public string BindAddress { get; init; } = "127.0.0.1";

    public int HttpPort { get; init; } = 5601;

    /// <summary>MQTT over TCP; MQTT over WebSockets is served on the HTTP port at /mqtt. Embedded broker mode only.</summary>
    public int MqttPort { get; init; } = 1883;

    /// <summary>SQLite history, the generated fleet token and the demo fleet's state live here.</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary>The fleet secret (≥ 16 characters). Empty: generated once and kept in the data directory.</summary>
    public string? FleetToken { get; init; }

    public DemoFleetOptions DemoFleet { get; init; } = new();

    public BrokerOptions Broker { get; init; } = new();

    public HistoryOptions History { get; init; } = new();

    /// <summary>Names of the four sensor features as the UI shows them; default the reference frontend's.</summary>
    public string[]? SensorNames { get; init; }

    /// <summary>The names in use: <see cref="SensorNames"/>, or Front Shock, Rear Shock, Seat, Engine Vibration.</summary>
    public IReadOnlyList<string> Sensors => SensorNames is { Length: > 0 } names ? names : ["Front Shock", "Rear Shock", "Seat", "Engine Vibration"];

    /// <summary>Per-vehicle broker identities, the compatibility mode and sign-in/connect throttling.</summary>
    public IplsWeb.Identity.IdentityOptions Identity { get; init; } = new();

    /// <summary>
    /// The most SIGTERM may take: MQTT clients are closed at once, the history gets its final flush,
    /// and whatever is still open after this is cut.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(4);

    public AlertOptions Alerts { get; init; } = new();

    public OverviewOptions Overview { get; init; } = new();

    /// <summary>Password for the UI sign-in. Required (no default) when bound to anything but loopback.</summary>
    public string? AdminPassword { get; init; }

    /// <summary>
    /// The shared MQTT credential: the operator's in per-vehicle mode (reads everything, switches generators,
    /// never speaks for a vehicle), everyone's in compatibility mode (see <see cref="Identity"/>).
    /// </summary>
    public string BrokerUsername { get; init; } = "ipls";

    public string? BrokerPassword { get; init; }

    /// <summary>True when the dashboard listens only on the loopback interface (no sign-in, no broker credentials).</summary>
    public bool IsLoopbackOnly => System.Net.IPAddress.TryParse(BindAddress, out var address) && System.Net.IPAddress.IsLoopback(address);

    /// <summary>The problems that stop the dashboard from starting with these options.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!System.Net.IPAddress.TryParse(BindAddress, out _))
        {
            problems.Add($"Dashboard:BindAddress = \"{BindAddress}\": must be an IP address (127.0.0.1, 0.0.0.0, ...)");
        }

        if (HttpPort is < 1 or > 65535 || MqttPort is < 1 or > 65535 || HttpPort == MqttPort)
        {
            problems.Add($"Dashboard:HttpPort = {HttpPort}, Dashboard:MqttPort = {MqttPort}: two different ports between 1 and 65535");
        }

        if (!IsLoopbackOnly && string.IsNullOrEmpty(AdminPassword))
        {
            problems.Add($"Dashboard:AdminPassword: required when bound to {BindAddress} (not loopback); there is no default password");
        }

        if (!IsLoopbackOnly && string.IsNullOrEmpty(BrokerPassword) && Identity.Mode == IplsWeb.Identity.BrokerIdentityMode.Compatibility && Broker.Mode == BrokerMode.Embedded)
        {
            problems.Add($"Dashboard:BrokerPassword: required in compatibility mode when bound to {BindAddress} (not loopback): the broker then demands the shared credential");
        }

        if (SensorNames is { Length: > 0 } names && (names.Length != 4 || names.Any(string.IsNullOrWhiteSpace)))
        {
            problems.Add($"Dashboard:SensorNames: four non-empty names, one per feature (got {names.Length})");
        }

        problems.AddRange(Identity.Problems());

        problems.AddRange(Broker.Problems());
        if (Broker.Mode == BrokerMode.External && DemoFleet.Enabled && Broker.External.BrokerUri is { Scheme: not "mqtt" } uri)
        {
            problems.Add($"Dashboard:DemoFleet:Enabled with Dashboard:Broker:External:Url = {uri.Scheme}://…: the demo agents speak MQTT over plain TCP only (mqtt://); turn the demo fleet off or give an mqtt:// URL");
        }

        problems.AddRange(History.Problems());
        problems.AddRange(Alerts.Problems());
        problems.AddRange(Overview.Problems());
        return problems;
    }
}
