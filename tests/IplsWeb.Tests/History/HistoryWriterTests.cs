using IplsWeb.Fleet;
using IplsWeb.History;
using Microsoft.Extensions.DependencyInjection;

namespace IplsWeb.Tests.History;

/// <summary>The writer inside the real dashboard: live scores and events end up in SQLite.</summary>
public sealed class HistoryWriterTests
{
    [Fact]
    public async Task DemoFleetScoresAndEvents_ReachTheDatabase_AndAStopFlushesTheRest()
    {
        var host = await DashboardHost.StartAsync(peers: 1, bootstrappers: 0);
        host.KeepDataDirectory = true;
        string dbPath;
        await using (host)
        {
            var writer = host.Services.GetRequiredService<HistoryWriter>();
            var store = await writer.Store;
            dbPath = store.Path;
            await Eventually.TrueAsync(
                async () => (await store.ScoresAsync(1, 0, long.MaxValue / 2, 10, CancellationToken.None)).Sum(b => b.Count) > 20,
                "scores of vehicle 1 are in the history");
            Assert.Contains(await store.EventsAsync(0, long.MaxValue, 100, "vehicle-1", CancellationToken.None), e => e.Kind == FleetEventKind.Joined);
            Assert.Equal(0, writer.Dropped + writer.Lost);

            host.Fleet.Raise(FleetEventKind.Command, "test", "raised just before the stop");
        }

        // The dashboard stopped; the event raised at the last moment was flushed.
        await using (var reopened = await HistoryStore.OpenAsync(dbPath, CancellationToken.None))
        {
            Assert.Contains(await reopened.EventsAsync(0, long.MaxValue, 10, "test", CancellationToken.None), e => e.Detail == "raised just before the stop");
        }

        Directory.Delete(host.DataDirectory, recursive: true);
    }
}
