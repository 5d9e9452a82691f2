using System.Net;
using System.Net.Sockets;
using IplsWeb.Fleet;
using IplsWeb.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace IplsWeb.Tests;

/// <summary>The real dashboard (Kestrel, embedded broker, hub, demo fleet) on free ports with its own data directory.</summary>
internal sealed class DashboardHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardHost(WebApplication app, string dataDirectory, int httpPort, int mqttPort)
    {
        _app = app;
        DataDirectory = dataDirectory;
        HttpPort = httpPort;
        MqttPort = mqttPort;
    }

    public string DataDirectory { get; }

    /// <summary>Leave the data directory on disposal (to reopen what the dashboard wrote); the test deletes it.</summary>
    public bool KeepDataDirectory { get; set; }

    public int HttpPort { get; }

    public int MqttPort { get; }

    public Uri Url => new($"http://127.0.0.1:{HttpPort}/");

    public IServiceProvider Services => _app.Services;

    public FleetState Fleet => Services.GetRequiredService<FleetState>();

    public static Task<DashboardHost> StartAsync(int peers = 2, int bootstrappers = 1, double rateHz = 20, string? fleetToken = null, params string[] extra) =>
        StartAsync(null, peers, bootstrappers, rateHz, fleetToken, extra);

    /// <summary>As above; <paramref name="configureServices"/> replaces or adds services (see <see cref="DashboardApp.Build"/>).</summary>
    public static async Task<DashboardHost> StartAsync(Action<IServiceCollection>? configureServices, int peers = 2, int bootstrappers = 1, double rateHz = 20, string? fleetToken = null, params string[] extra)
    {
        // A free port can be taken by another test process between asking and binding: then again on
        // new ports and a new data directory, unless the caller chose the ports.
        bool portsOurs = !extra.Any(a => a.StartsWith("--Dashboard:HttpPort=", StringComparison.Ordinal) || a.StartsWith("--Dashboard:MqttPort=", StringComparison.Ordinal));
        for (int attempt = 1; ; attempt++)
        {
            string data = Directory.CreateTempSubdirectory("ipls-web-").FullName;
            var (http, mqtt) = TwoFreePorts();
            var app = DashboardApp.Build([.. Arguments(http, mqtt, data, peers, bootstrappers, rateHz, fleetToken), .. extra], configureServices);
            try
            {
                await app.StartAsync();
                return new DashboardHost(app, data, http, mqtt);
            }
            catch (Exception ex) when (portsOurs && attempt < 3 && IsAddressInUse(ex))
            {
                await app.StopAsync();
                await app.DisposeAsync();
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static List<string> Arguments(int http, int mqtt, string data, int peers, int bootstrappers, double rateHz, string? fleetToken)
    {
        var args = new List<string>
        {
            $"--Dashboard:HttpPort={http}",
            $"--Dashboard:MqttPort={mqtt}",
            $"--Dashboard:DataDirectory={data}",
            $"--Dashboard:DemoFleet:Enabled={peers + bootstrappers > 0}",
            $"--Dashboard:DemoFleet:Peers={peers}",
            $"--Dashboard:DemoFleet:Bootstrappers={bootstrappers}",
            $"--Dashboard:DemoFleet:RateHz={rateHz}",
            "--Logging:LogLevel:Default=Warning",

            // Development serves static web assets (blazor.web.js, MudBlazor) from the build's manifest,
            // as `dotnet run` does; without it a browser would get a page that never turns interactive.
            "--environment=Development",
        };
        if (fleetToken is not null)
        {
            args.Add($"--Dashboard:FleetToken={fleetToken}");
        }

        return args;
    }

    private static bool IsAddressInUse(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || ex is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Two different free ports: both listeners are open at once, so the OS cannot hand out one port twice.</summary>
    public static (int First, int Second) TwoFreePorts()
    {
        using var first = new TcpListener(IPAddress.Loopback, 0);
        using var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        return (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port);
    }


    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (KeepDataDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open by a late writer; the temp directory is cleaned by the OS
        }
    }
}
