using System.Globalization;
using IplsWeb.History;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;

namespace IplsWeb.Tests.History;

/// <summary>Scores that arrive late (queued through an outage) land at their own time, once.</summary>
public sealed class LateScoreTests
{
    [Fact]
    public async Task ALateScore_IsRecordedWhenItWasProduced_AndARedeliveryAddsNoRow()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0);
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", host.MqttPort).Build());
        long produced = DateTimeOffset.UtcNow.AddMinutes(-3).ToUnixTimeMilliseconds();
        string payload = string.Create(CultureInfo.InvariantCulture, $"{{\"anomaly_score\":[0.25],\"timestamp\":{produced / 1000},\"timestamp_ms\":{produced}}}");

        for (int i = 0; i < 2; i++)
        {
            // The second one is what a QoS 1 redelivery (a bridge resending after a reconnect) looks like.
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("v7/anomaly").WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        // A reference sender (seconds only), two minutes late: its second.
        long referenceSecond = DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeSeconds();
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("v7/anomaly").WithPayload($"{{\"anomaly_score\":[0.5],\"timestamp\":{referenceSecond}}}").Build());

        var store = await host.Services.GetRequiredService<HistoryWriter>().Store;
        await Eventually.TrueAsync(
            async () => (await store.ScoresAsync(7, 0, long.MaxValue / 2, 1_000_000, CancellationToken.None)).Sum(b => b.Count) >= 2,
            "the scores reach the history");
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // one more flush: a duplicate would be written by now

        var atProduced = await store.ScoresAsync(7, produced, produced + 1, 1, CancellationToken.None);
        Assert.Equal(1, Assert.Single(atProduced).Count);
        Assert.Equal(0.25f, atProduced[0].Max);
        var atSecond = await store.ScoresAsync(7, referenceSecond * 1000, (referenceSecond * 1000) + 1, 1, CancellationToken.None);
        Assert.Equal(0.5f, Assert.Single(atSecond).Max);
        Assert.Equal(2, (await store.ScoresAsync(7, 0, long.MaxValue / 2, 1_000_000, CancellationToken.None)).Sum(b => b.Count));

        // The live view has them in time order, the late ones first.
        var live = host.Fleet.Vehicle(7).Scores.Since(0);
        Assert.Equal(live.OrderBy(p => p.AtUnixMs).Select(p => p.AtUnixMs), live.Select(p => p.AtUnixMs));
        Assert.Equal(produced, live[0].AtUnixMs);
    }

    [Fact]
    public void ProducedAt_PrefersTheVehiclesMilliseconds_KeepsArrivalForFreshReferenceScores_AndDistrustsTheFuture()
    {
        const long arrived = 1_764_000_010_500;
        Assert.Equal(1_764_000_000_250, IplsWeb.Broker.BrokerIngest.ProducedAt(arrived, 1_764_000_000, 1_764_000_000_250));
        Assert.Equal(arrived, IplsWeb.Broker.BrokerIngest.ProducedAt(arrived, 1_764_000_010, null));
        Assert.Equal(1_764_000_000_000, IplsWeb.Broker.BrokerIngest.ProducedAt(arrived, 1_764_000_000, null));
        Assert.Equal(arrived, IplsWeb.Broker.BrokerIngest.ProducedAt(arrived, 1_764_001_000, 1_764_001_000_000));
    }
}
