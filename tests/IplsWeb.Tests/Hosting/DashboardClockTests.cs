using System.Text;
using IplsWeb.Fleet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;

namespace IplsWeb.Tests.Hosting;

/// <summary>DashboardApp.Build(args, configureServices): a test replaces the clock, and the dashboard keeps its time.</summary>
public sealed class DashboardClockTests
{
    [Fact]
    public async Task AReplacedTimeProvider_StampsWhatTheBrokerIngests()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero));
        await using var host = await DashboardHost.StartAsync(services => services.AddSingleton<TimeProvider>(clock), peers: 0, bootstrappers: 0);
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", host.MqttPort).Build());

        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("v3/anomaly").WithPayload(Encoding.UTF8.GetBytes("{\"anomaly_score\":[0.5],\"timestamp\":1764000000}")).Build());
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("v4/anomaly").WithPayload(Encoding.UTF8.GetBytes("garbage")).Build());

        await Eventually.TrueAsync(() => host.Fleet.Vehicle(3).ScoresReceived == 1, "the score is ingested");
        await Eventually.TrueAsync(() => host.Fleet.Events().Any(e => e.Kind == FleetEventKind.Rejected && e.Subject == "v4/anomaly"), "the bad payload is an event");
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), host.Fleet.Vehicle(3).Scores.Since(0)[0].AtUnixMs);
        Assert.Equal(clock.GetUtcNow(), host.Fleet.Events().First(e => e.Subject == "v4/anomaly").At);
    }
}
