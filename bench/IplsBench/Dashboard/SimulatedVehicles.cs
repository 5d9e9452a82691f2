using System.Globalization;
using System.Text;
using IplsCore.Transport.Mqtt;
using MQTTnet;

namespace IplsBench.Dashboard;

/// <summary>
/// Vehicles as the dashboard sees them: each publishes its score on <c>v{n}/anomaly</c> at the given
/// rate (the reference format), one in 16 above the threshold so marks are drawn too.
/// </summary>
internal sealed class SimulatedVehicles : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _published;

    private SimulatedVehicles(IMqttClient client, int vehicles, double rateHz)
    {
        _client = client;
        _loop = RunAsync(vehicles, rateHz, _stop.Token);
    }

    public long Published => Interlocked.Read(ref _published);

    public static async Task<SimulatedVehicles> StartAsync(int port, int vehicles, double rateHz, CancellationToken cancellationToken)
    {
        var factory = new MqttClientFactory();
        var client = factory.CreateMqttClient();
        await client.ConnectAsync(factory.CreateClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithSocketBuffers().WithClientId("bench-vehicles").Build(), cancellationToken).ConfigureAwait(false);
        return new SimulatedVehicles(client, vehicles, rateHz);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopped
        }

        await _client.DisconnectAsync().ConfigureAwait(false);
        _client.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync(int vehicles, double rateHz, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / rateHz));
        long tick = 0;
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            tick++;
            long seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            for (int v = 1; v <= vehicles; v++)
            {
                double score = (tick + v) % 16 == 0 ? 0.2 : 0.02 + (0.01 * Math.Sin((tick + v) / 7.0));
                string json = string.Create(CultureInfo.InvariantCulture, $"{{\"anomaly_score\":[{score:F5}],\"timestamp\":{seconds}}}");
                var message = new MqttApplicationMessageBuilder().WithTopic($"v{v}/anomaly").WithPayload(Encoding.UTF8.GetBytes(json)).Build();
                await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _published);
            }
        }
    }
}
