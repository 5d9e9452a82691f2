using System.Globalization;
using System.Text;
using IplsCore.Transport.Mqtt;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace IplsBench.Dashboard;

/// <summary>What the simulated vehicles send: how many, how often, and through how many MQTT connections.</summary>
internal sealed record VehicleLoad(int Vehicles, double RateHz)
{
    /// <summary>Also a sensor message (<c>vehicle/{n}</c>, <c>{"value":[...]}</c>) per vehicle per tick, as a vehicle's generator sends.</summary>
    public bool Sensors { get; init; }

    /// <summary>Vehicles sharing one MQTT connection: a few connections, not one per vehicle, keep the simulator cheap.</summary>
    public int VehiclesPerClient { get; init; } = 125;

    /// <summary>QoS of the scores; 1 makes "sent" mean "acknowledged by the broker".</summary>
    public MqttQualityOfServiceLevel ScoreQos { get; init; } = MqttQualityOfServiceLevel.AtMostOnce;
}

/// <summary>
/// Vehicles as the dashboard sees them: each publishes its score on <c>v{n}/anomaly</c> at the given
/// rate (the reference format plus <c>timestamp_ms</c>, the tick's time, so every score has its own
/// produced time), one in 16 above the threshold so marks are drawn too, and optionally its sensor
/// message. One steady ticker drives all vehicles (late ticks catch up, none is skipped); payloads are pre-serialized but for the tick's time.
/// </summary>
internal sealed class SimulatedVehicles : IAsyncDisposable
{
    private const int Variants = 64;
    private const int MaxTicksInFlight = 64;
    private static readonly byte[] ScorePrefix = "{\"anomaly_score\":["u8.ToArray();

    private readonly IMqttClient[] _clients;
    private readonly VehicleLoad _load;
    private readonly string[] _scoreTopics;
    private readonly string[] _sensorTopics;
    private readonly byte[][] _scoreTexts;
    private readonly byte[][] _sensorPayloads;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _published;
    private long _sensorsPublished;
    private long _attempted;
    private long _failed;
    private long _firstTickMs;
    private long _lastTickMs;

    private SimulatedVehicles(IMqttClient[] clients, VehicleLoad load)
    {
        _clients = clients;
        _load = load;
        _scoreTopics = [.. Enumerable.Range(1, load.Vehicles).Select(v => $"v{v}/anomaly")];
        _sensorTopics = [.. Enumerable.Range(1, load.Vehicles).Select(v => $"vehicle/{v}")];
        _scoreTexts = [.. Enumerable.Range(0, Variants).Select(i => Encoding.ASCII.GetBytes((i % 16 == 0 ? 0.2 : 0.02 + (0.01 * Math.Sin(i / 7.0))).ToString("F5", CultureInfo.InvariantCulture)))];
        _sensorPayloads = [.. Enumerable.Range(0, Variants).Select(i => Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{{\"value\":[{20 + Math.Sin(i / 5.0):F3},{0.5 + (0.1 * Math.Cos(i / 3.0)):F3},{1500 + (50 * Math.Sin(i / 9.0)):F1},{12.6 - (0.01 * i):F3}]}}")))];
        _loop = RunAsync(_stop.Token);
    }

    /// <summary>Scores the broker took (for QoS 1: acknowledged).</summary>
    public long Published => Interlocked.Read(ref _published);

    public long SensorsPublished => Interlocked.Read(ref _sensorsPublished);

    /// <summary>Scores the fleet tried to send: one per vehicle per tick that fired.</summary>
    public long Attempted => Interlocked.Read(ref _attempted);

    /// <summary>Publishes that failed (not connected, timed out); each failed score counts as lost.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Produced time of the first tick's scores (unix ms); 0 before it.</summary>
    public long FirstTickMs => Interlocked.Read(ref _firstTickMs);

    /// <summary>Produced time of the newest tick whose publishes have all completed (unix ms); 0 before any.</summary>
    public long LastTickMs => Interlocked.Read(ref _lastTickMs);

    public int Vehicles => _load.Vehicles;

    public static Task<SimulatedVehicles> StartAsync(int port, int vehicles, double rateHz, CancellationToken cancellationToken) =>
        StartAsync("127.0.0.1", port, new VehicleLoad(vehicles, rateHz), cancellationToken);

    public static async Task<SimulatedVehicles> StartAsync(string host, int port, VehicleLoad load, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        var factory = new MqttClientFactory();
        int count = (load.Vehicles + load.VehiclesPerClient - 1) / load.VehiclesPerClient;
        var clients = new IMqttClient[count];
        for (int i = 0; i < count; i++)
        {
            clients[i] = factory.CreateMqttClient();
            string id = count == 1 ? "bench-vehicles" : $"bench-vehicles-{i}";
            await clients[i].ConnectAsync(factory.CreateClientOptionsBuilder().WithTcpServer(host, port).WithSocketBuffers().WithClientId(id).Build(), cancellationToken).ConfigureAwait(false);
        }

        return new SimulatedVehicles(clients, load);
    }

    /// <summary>Stops publishing (waits for the ticks in flight); the connections stay open until disposed.</summary>
    public async Task StopAsync()
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
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        foreach (var client in _clients)
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync().ConfigureAwait(false);
            }

            client.Dispose();
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var ticks = new SteadyTicks(TimeSpan.FromSeconds(1 / _load.RateHz));
        var inFlight = new Queue<Task>();
        long tick = 0;
        try
        {
            while (true)
            {
                var due = await ticks.NextAsync(cancellationToken).ConfigureAwait(false);
                tick++;
                long ms = due.ToUnixTimeMilliseconds();
                Interlocked.CompareExchange(ref _firstTickMs, ms, 0);
                byte[] suffix = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"],\"timestamp\":{ms / 1000},\"timestamp_ms\":{ms}}}"));
                var pending = new Task[_load.Sensors ? _load.Vehicles * 2 : _load.Vehicles];
                int next = 0;
                for (int v = 1; v <= _load.Vehicles; v++)
                {
                    var client = _clients[(v - 1) / _load.VehiclesPerClient];
                    int variant = (int)((tick + v) % Variants);
                    var score = new MqttApplicationMessage
                    {
                        Topic = _scoreTopics[v - 1],
                        Payload = new System.Buffers.ReadOnlySequence<byte>(Concat(ScorePrefix, _scoreTexts[variant], suffix)),
                        QualityOfServiceLevel = _load.ScoreQos,
                    };
                    pending[next++] = PublishAsync(client, score, isScore: true);
                    if (_load.Sensors)
                    {
                        var sensor = new MqttApplicationMessage { Topic = _sensorTopics[v - 1], Payload = new System.Buffers.ReadOnlySequence<byte>(_sensorPayloads[variant]) };
                        pending[next++] = PublishAsync(client, sensor, isScore: false);
                    }
                }

                Interlocked.Add(ref _attempted, _load.Vehicles);

                // The next tick does not wait for this one's acknowledgements (vehicles do not wait for
                // each other either); only a backlog of many ticks holds the generator back.
                inFlight.Enqueue(CompleteTickAsync(pending, ms));
                while (inFlight.Count > 0 && inFlight.Peek().IsCompleted)
                {
                    await inFlight.Dequeue().ConfigureAwait(false);
                }

                if (inFlight.Count >= MaxTicksInFlight)
                {
                    await inFlight.Dequeue().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }
    }

    private async Task CompleteTickAsync(Task[] publishes, long ms)
    {
        await Task.WhenAll(publishes).ConfigureAwait(false);
        long seen;
        while ((seen = Interlocked.Read(ref _lastTickMs)) < ms && Interlocked.CompareExchange(ref _lastTickMs, ms, seen) != seen)
        {
            // another tick completed at the same moment: try again
        }
    }

    // Not cancelled by a stop: a tick once started is sent whole, so stopping loses nothing it counted
    // (MQTTnet's own timeout ends a publish that is never acknowledged).
    private async Task PublishAsync(IMqttClient client, MqttApplicationMessage message, bool isScore)
    {
        try
        {
            await client.PublishAsync(message, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref isScore ? ref _published : ref _sensorsPublished);
        }
        catch (MqttCommunicationException)
        {
            if (isScore)
            {
                Interlocked.Increment(ref _failed);
            }
        }
    }

    private static byte[] Concat(byte[] a, byte[] b, byte[] c)
    {
        byte[] all = new byte[a.Length + b.Length + c.Length];
        a.CopyTo(all, 0);
        b.CopyTo(all, a.Length);
        c.CopyTo(all, a.Length + b.Length);
        return all;
    }
}
