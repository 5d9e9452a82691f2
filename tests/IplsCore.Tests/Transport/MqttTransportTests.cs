using System.Diagnostics;
using System.Text;
using IplsCore.Transport;
using IplsCore.Transport.Mqtt;
using MQTTnet;

namespace IplsCore.Tests.Transport;

public sealed class MqttTransportTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly string _dir = Directory.CreateTempSubdirectory("ipls-mqtt-").FullName;
    private readonly List<IAsyncDisposable> _disposables = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var d in Enumerable.Reverse(_disposables))
        {
            await d.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }

    private MqttTransport Transport(int port, string prefix = "test/")
    {
        var transport = MqttTransport.Start(new MqttTransportOptions { Host = "127.0.0.1", Port = port, TopicPrefix = prefix, ContentTimeout = TimeSpan.FromSeconds(2), ReconnectMaxDelay = TimeSpan.FromMilliseconds(500) });
        _disposables.Add(transport);
        return transport;
    }

    private static async Task<TransportMessage> NextAsync(MqttTransport transport) =>
        await transport.Messages.ReadAsync().AsTask().WaitAsync(Wait);

    private static async Task RoundTripAsync(int port, MqttTransportTests test)
    {
        var a = test.Transport(port);
        var b = test.Transport(port);
        await b.SubscribeAsync("fleet/control", CancellationToken.None);

        await a.PublishAsync("fleet/control", "hello"u8.ToArray(), CancellationToken.None);
        var message = await NextAsync(b);

        Assert.Equal("fleet/control", message.Topic);
        Assert.Equal("hello", Encoding.UTF8.GetString(message.Payload));
        Assert.Equal(1, a.Counters.Published);

        // Content put by one, fetched by a transport that connects only afterwards (retained).
        var content = Enumerable.Range(0, 30_000).Select(i => (byte)i).ToArray();
        string id = await a.PutContentAsync(content, CancellationToken.None);
        var late = test.Transport(port);
        var fetched = await late.GetContentAsync(id, CancellationToken.None);
        Assert.Equal(content, fetched);
    }

    [Fact]
    public async Task PublishSubscribeAndContent_WorkThroughMqttNetServer()
    {
        var (server, port) = await Brokers.StartMqttNetAsync();
        _disposables.Add(new AsyncDisposableAction(() => server.StopAsync(new MQTTnet.Server.MqttServerStopOptions())));

        await RoundTripAsync(port, this);
    }

    [Fact]
    public async Task PublishSubscribeAndContent_WorkThroughMosquitto()
    {
        var (process, port, missing) = await Brokers.StartMosquittoAsync(_dir);
        if (process is null)
        {
            Assert.True(Environment.GetEnvironmentVariable("IPLS_SKIP_MOSQUITTO") == "1", missing);
            return;
        }

        _disposables.Add(new AsyncDisposableAction(() =>
        {
            process.Kill();
            process.Dispose();
            return Task.CompletedTask;
        }));

        await RoundTripAsync(port, this);
    }

    [Fact]
    public async Task GetContent_WithWrongBytesUnderTheHash_ReturnsNull()
    {
        var (server, port) = await Brokers.StartMqttNetAsync();
        _disposables.Add(new AsyncDisposableAction(() => server.StopAsync(new MQTTnet.Server.MqttServerStopOptions())));
        string fakeId = new('a', 64);
        using var raw = new MqttClientFactory().CreateMqttClient();
        await raw.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).Build());
        await raw.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("test/content/" + fakeId).WithPayload("forged"u8.ToArray()).WithRetainFlag().Build());
        var transport = Transport(port);

        Assert.Null(await transport.GetContentAsync(fakeId, CancellationToken.None));
        Assert.Null(await transport.GetContentAsync("not-a-hash", CancellationToken.None));
    }

    [Fact]
    public async Task GetContent_Missing_ReturnsNullAfterTheTimeout()
    {
        var (server, port) = await Brokers.StartMqttNetAsync();
        _disposables.Add(new AsyncDisposableAction(() => server.StopAsync(new MQTTnet.Server.MqttServerStopOptions())));
        var transport = Transport(port);

        Assert.Null(await transport.GetContentAsync(new string('b', 64), CancellationToken.None));
    }

    [Fact]
    public async Task Publish_Oversized_IsRefused()
    {
        var (server, port) = await Brokers.StartMqttNetAsync();
        _disposables.Add(new AsyncDisposableAction(() => server.StopAsync(new MQTTnet.Server.MqttServerStopOptions())));
        var transport = Transport(port);

        await Assert.ThrowsAsync<ArgumentException>(() => transport.PublishAsync("t", new byte[transport.MaxPayloadBytes + 1], CancellationToken.None));
    }

    [Fact]
    public async Task Receive_OversizedMessage_IsDroppedAndCounted_SmallerOnesStillArrive()
    {
        var (server, port) = await Brokers.StartMqttNetAsync();
        _disposables.Add(new AsyncDisposableAction(() => server.StopAsync(new MQTTnet.Server.MqttServerStopOptions())));
        var small = MqttTransport.Start(new MqttTransportOptions { Host = "127.0.0.1", Port = port, TopicPrefix = "test/", MaxPayloadBytes = 1024 });
        _disposables.Add(small);
        var big = Transport(port);
        await small.SubscribeAsync("t", CancellationToken.None);

        await big.PublishAsync("t", new byte[5000], CancellationToken.None);
        await big.PublishAsync("t", new byte[100], CancellationToken.None);

        var message = await NextAsync(small);
        Assert.Equal(100, message.Payload.Length);
        Assert.Equal(1, small.Counters.DroppedOversized);
    }

    [Fact]
    public async Task BrokerRestart_ClientReconnectsResubscribesAndMessagesFlowAgain()
    {
        var (server, port) = await Brokers.StartMqttNetAsync();
        var a = Transport(port);
        var b = Transport(port);
        await b.SubscribeAsync("fleet/model", CancellationToken.None);
        await a.WaitConnectedAsync(Wait, CancellationToken.None);

        await server.StopAsync(new MQTTnet.Server.MqttServerStopOptions());
        server.Dispose();
        var restarted = await Brokers.StartMqttNetAsync(port);
        _disposables.Add(new AsyncDisposableAction(() => restarted.StopAsync(new MQTTnet.Server.MqttServerStopOptions())));

        // Publishing waits for the reconnection instead of failing.
        var watch = Stopwatch.StartNew();
        while (b.Counters.Reconnects == 0 || !b.IsConnected)
        {
            Assert.True(watch.Elapsed < Wait, "b did not reconnect");
            await Task.Delay(50);
        }

        await a.PublishAsync("fleet/model", new byte[] { 42 }, CancellationToken.None);
        var message = await NextAsync(b);

        Assert.Equal([42], message.Payload);
        Assert.True(a.Counters.Reconnects >= 1);
    }

    [Fact]
    public async Task Publish_BrokerNeverThere_ThrowsTransportUnavailableAfterTheTimeout()
    {
        var transport = MqttTransport.Start(new MqttTransportOptions { Host = "127.0.0.1", Port = Brokers.FreePort(), PublishTimeout = TimeSpan.FromMilliseconds(300) });
        _disposables.Add(transport);

        await Assert.ThrowsAsync<TransportUnavailableException>(() => transport.PublishAsync("t", new byte[] { 1 }, CancellationToken.None));
    }

    [Fact]
    public void Options_Invalid_NameTheKey()
    {
        var ex = Assert.Throws<IplsCore.Configuration.ConfigurationException>(() => new MqttTransportOptions { Port = 70000 }.Validate());

        Assert.Equal("Port", ex.Key);
        Assert.Contains("70000", ex.Message, StringComparison.Ordinal);
    }

    private sealed class AsyncDisposableAction(Func<Task> action) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await action();
    }
}
