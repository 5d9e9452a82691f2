using System.Globalization;
using IplsWeb.Fleet;
using IplsWeb.History;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;

namespace IplsWeb.Tests.History;

/// <summary>The history inside the real dashboard, for each provider: live scores and events reach the store, a stop flushes the rest, late scores land once at their time.</summary>
public abstract class DashboardHistoryContract
{
    /// <summary>The dashboard arguments that select this provider.</summary>
    protected abstract Task<string[]> HistoryArgsAsync();

    /// <summary>A store on the same history the stopped dashboard on <paramref name="dataDirectory"/> wrote (not yet opened).</summary>
    protected abstract IHistoryStore SameHistory(string dataDirectory);

    [Fact]
    public async Task DemoFleetScoresAndEvents_ReachTheDatabase_AndAStopFlushesTheRest()
    {
        var host = await DashboardHost.StartAsync(peers: 1, bootstrappers: 0, extra: await HistoryArgsAsync());
        host.KeepDataDirectory = true;
        await using (host)
        {
            var writer = host.Services.GetRequiredService<HistoryWriter>();
            var store = host.Services.GetRequiredService<IHistoryStore>();
            await Eventually.TrueAsync(
                async () => (await store.ScoresAsync(1, 0, long.MaxValue / 2, 10, CancellationToken.None)).Sum(b => b.Count) > 20,
                "scores of vehicle 1 are in the history");
            // The vehicle's registration (hub) can come after its first scores (MQTT): wait for its flush too.
            await Eventually.TrueAsync(
                async () => (await store.EventsAsync(0, long.MaxValue, 100, "vehicle-1", CancellationToken.None)).Any(e => e.Kind == FleetEventKind.Joined),
                "vehicle-1's Joined event is in the history");
            Assert.Equal(0, writer.Dropped + writer.Lost);

            host.Fleet.Raise(FleetEventKind.Command, "test", "raised just before the stop");
        }

        // The dashboard stopped; the event raised at the last moment was flushed.
        await using (var reopened = SameHistory(host.DataDirectory))
        {
            await reopened.OpenAsync(CancellationToken.None);
            Assert.Contains(await reopened.EventsAsync(0, long.MaxValue, 10, "test", CancellationToken.None), e => e.Detail == "raised just before the stop");
        }

        Directory.Delete(host.DataDirectory, recursive: true);
    }

    [Fact]
    public async Task ALateScore_IsRecordedWhenItWasProduced_AndARedeliveryAddsNoRow()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra: await HistoryArgsAsync());
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

        var store = host.Services.GetRequiredService<IHistoryStore>();
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

        // The live view has them in time order, the late ones first, and the redelivery once.
        var live = host.Fleet.Vehicle(7).Scores.Since(0);
        Assert.Equal(2, live.Length);
        Assert.Equal(2, host.Fleet.Vehicle(7).ScoresReceived);
        Assert.Equal(live.OrderBy(p => p.AtUnixMs).Select(p => p.AtUnixMs), live.Select(p => p.AtUnixMs));
        Assert.Equal(produced, live[0].AtUnixMs);
    }
}

/// <summary>The dashboard's history in SQLite (the default: no arguments).</summary>
public sealed class SqliteDashboardHistoryTests : DashboardHistoryContract
{
    protected override Task<string[]> HistoryArgsAsync() => Task.FromResult<string[]>([]);

    protected override IHistoryStore SameHistory(string dataDirectory) => new SqliteHistoryStore(Path.Combine(dataDirectory, "history.db"));
}
