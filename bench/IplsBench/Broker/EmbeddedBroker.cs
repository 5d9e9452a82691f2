using IplsWeb.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace IplsBench.Broker;

/// <summary>
/// The dashboard itself, built exactly as <c>dotnet run --project IplsWeb</c> builds it (broker options,
/// Kestrel transport, ingest interceptor and history writer included), with the demo fleet off.
/// </summary>
internal sealed class EmbeddedBroker : IBenchBroker
{
    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private EmbeddedBroker(WebApplication app, int port, string dataDirectory)
    {
        _app = app;
        Port = port;
        _dataDirectory = dataDirectory;
    }

    public string Name => "embedded";

    public int Port { get; }

    /// <summary>What the broker's flow control did during the run.</summary>
    public IplsWeb.Broker.BrokerFlowStatus FlowStatus => _app.Services.GetRequiredService<IplsWeb.Broker.DeliveryFlowControl>().Status;

    public static async Task<EmbeddedBroker> StartAsync(CancellationToken cancellationToken)
    {
        int mqttPort = Agent.LocalBroker.FreePort();
        int httpPort = Agent.LocalBroker.FreePort();
        string data = Directory.CreateTempSubdirectory("ipls-bench-broker-").FullName;
        var app = DashboardApp.Build(
        [
            $"--Dashboard:HttpPort={httpPort}",
            $"--Dashboard:MqttPort={mqttPort}",
            $"--Dashboard:DataDirectory={data}",
            "--Dashboard:DemoFleet:Enabled=false",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:IplsWeb.Broker=Error",
        ]);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new EmbeddedBroker(app, mqttPort, data);
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
