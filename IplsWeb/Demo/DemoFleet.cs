using System.Globalization;
using System.Text;
using System.Text.Json;
using IplsCore.Configuration;
using IplsAgent.Control;
using IplsAgent.Runtime;
using IplsCore.Ipls;
using IplsWeb.Hosting;
using IplsWeb.Identity;

namespace IplsWeb.Demo;

/// <summary>
/// The local demo fleet: peer agents with their generators (normal mode) and bootstrappers, hosted in
/// this process but talking to the dashboard exactly as remote ones do — MQTT through the embedded
/// broker (or the external one in that mode), control through the hub — so the first README command shows the whole system working.
/// </summary>
public sealed partial class DemoFleet(
    DashboardOptions options,
    FleetSecret secret,
    VehicleCredentials vehicleCredentials,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggers,
    ILogger<DemoFleet> logger) : IHostedLifecycleService
{
    private readonly List<AgentSupervisor> _agents = [];
    private readonly Lock _gate = new();
    private bool _stopped;

    public IReadOnlyList<AgentSupervisor> Agents
    {
        get
        {
            lock (_gate)
            {
                return [.. _agents];
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.DemoFleet.Enabled)
        {
            return Task.CompletedTask;
        }

        // Agents need the broker and hub listening: start them once the server is up.
        lifetime.ApplicationStarted.Register(() => _ = Task.Run(() => StartAgentsAsync(lifetime.ApplicationStopping)));
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Runs before the web server stops: the agents leave the fleet and close their hub connections,
    /// so Kestrel does not wait out its shutdown timeout for them.
    /// </summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => StopAgentsAsync();

    public Task StopAsync(CancellationToken cancellationToken) => StopAgentsAsync();

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task StopAgentsAsync()
    {
        AgentSupervisor[] agents;
        lock (_gate)
        {
            _stopped = true;
            agents = [.. _agents];
            _agents.Clear();
        }

        await Task.WhenAll(agents.Select(a => a.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    private async Task StartAgentsAsync(CancellationToken cancellationToken)
    {
        var demo = options.DemoFleet;
        var source = new AgentConfigSource();
        var configs = new List<(string Id, string Json)>();
        for (int b = 1; b <= demo.Bootstrappers; b++)
        {
            configs.Add(($"bootstrapper-{b}", Config($"bootstrapper-{b}", 900 + b, PeerRoleNames.Bootstrapper, generator: false)));
        }

        for (int v = 1; v <= demo.Peers; v++)
        {
            configs.Add(($"vehicle-{v}", Config($"vehicle-{v}", v, PeerRoleNames.Peer, generator: true)));
        }

        foreach (var (id, config) in configs)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            var load = source.Load(Encoding.UTF8.GetBytes(config), "demo fleet");
            try
            {
                var agent = await AgentSupervisor.StartAsync(source, load, new AgentRuntimeOptions { Loggers = loggers, SharedProcess = true }, new ControlClientOptions(), cancellationToken).ConfigureAwait(false);
                bool keep;
                lock (_gate)
                {
                    keep = !_stopped;
                    if (keep)
                    {
                        _agents.Add(agent);
                    }
                }

                if (!keep)
                {
                    await agent.DisposeAsync().ConfigureAwait(false); // the host stopped while it started
                    return;
                }
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or InvalidOperationException)
            {
                LogStartFailed(id, ex.Message); // the id, not the config: it holds the fleet token
            }
        }

        LogStarted(demo.Peers, demo.Bootstrappers);
    }

    private string Config(string id, int vehicle, string role, bool generator)
    {
        // A wildcard bind is reached on loopback; a specific address only on itself.
        string host = options.BindAddress is "0.0.0.0" or "::" ? "127.0.0.1" : options.BindAddress;
        string urlHost = host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host;
        // With an external broker the agents use it, as the fleet's own agents do (options allow mqtt:// only then).
        var external = options.Broker.Mode == BrokerMode.External ? options.Broker.External : null;
        var config = new Dictionary<string, object>
        {
            ["agentId"] = id,
            ["vehicle"] = vehicle.ToString(CultureInfo.InvariantCulture),
            ["role"] = role,
            ["mqttBrokerip"] = external?.BrokerUri?.Host ?? host,
            ["mqttPort"] = (external?.Port ?? options.MqttPort).ToString(CultureInfo.InvariantCulture),
            ["dashboardUrl"] = $"http://{urlHost}:{options.HttpPort}/",
            ["fleetToken"] = secret.Token,
            ["fleetId"] = "demo",
            ["stateDirectory"] = Path.Combine(Path.GetFullPath(options.DataDirectory), "demo", id),
            ["generator"] = new Dictionary<string, object>
            {
                ["enabled"] = generator,
                ["rateHz"] = options.DemoFleet.RateHz.ToString(CultureInfo.InvariantCulture),
                ["seed"] = vehicle.ToString(CultureInfo.InvariantCulture),
            },
        };
        // Each demo agent is its vehicle, as a remote one would be: it may speak only for itself.
        config["mqttUsername"] = VehicleCredentials.UserName(vehicle);
        config["mqttPassword"] = vehicleCredentials.Password(vehicle);

        return JsonSerializer.Serialize(config);
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Demo fleet started: {Peers} peers, {Bootstrappers} bootstrappers")]
    private partial void LogStarted(int peers, int bootstrappers);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Error, Message = "Demo agent {Agent} did not start: {Reason}")]
    private partial void LogStartFailed(string agent, string reason);
}
