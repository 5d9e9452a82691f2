using IplsWeb.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace IplsBench;

/// <summary>
/// The dashboard itself, built exactly as <c>dotnet run --project IplsWeb</c> builds it (broker options,
/// Kestrel transport, ingest interceptor and history writer included), with the demo fleet off.
/// </summary>
internal sealed class BenchDashboard : Broker.IBenchBroker
{
    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private BenchDashboard(WebApplication app, int port, int httpPort, string dataDirectory)
    {
        _app = app;
        Port = port;
        HttpPort = httpPort;
        _dataDirectory = dataDirectory;
    }

    public string Name => "embedded";

    /// <summary>The embedded broker's MQTT port.</summary>
    public int Port { get; }

    public int HttpPort { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>What the broker's flow control did during the run.</summary>
    public IplsWeb.Broker.BrokerFlowStatus FlowStatus => _app.Services.GetRequiredService<IplsWeb.Broker.DeliveryFlowControl>().Status;

    public static async Task<BenchDashboard> StartAsync(CancellationToken cancellationToken, params string[] extra)
    {
        var (mqttPort, httpPort) = Agent.LocalBroker.TwoFreePorts();
        string data = Directory.CreateTempSubdirectory("ipls-bench-broker-").FullName;
        var app = DashboardApp.Build(
        [
            $"--Dashboard:HttpPort={httpPort}",
            $"--Dashboard:MqttPort={mqttPort}",
            $"--Dashboard:DataDirectory={data}",
            "--Dashboard:DemoFleet:Enabled=false",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:IplsWeb.Broker=Error",
            .. extra,
        ]);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new BenchDashboard(app, mqttPort, httpPort, data);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}
