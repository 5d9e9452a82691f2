using IplsCore.Tests.Transport;
using MQTTnet.Server;

namespace IplsAgent.Tests.Fixtures;

/// <summary>Agent tests against a real in-process MQTTnet broker on a free port, with a temp directory.</summary>

public abstract class BrokerTestBase : IAsyncLifetime, IDisposable
{
    internal TempDirectory Dir { get; } = new();

    internal MqttServer? Broker { get; private set; }

    protected int Port { get; private set; }

    public virtual async Task InitializeAsync()
    {
        (Broker, Port) = await Brokers.StartMqttNetAsync();
    }

    public virtual async Task DisposeAsync() => await StopBrokerAsync();

    public void Dispose()
    {
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }

    protected async Task StopBrokerAsync()
    {
        if (Broker is not null)
        {
            await Broker.StopAsync(new MqttServerStopOptions());
            Broker.Dispose();
            Broker = null;
        }
    }

    protected async Task RestartBrokerAsync()
    {
        await StopBrokerAsync();
        await Task.Delay(500);
        Broker = await Brokers.StartMqttNetAsync(Port);
    }
}
