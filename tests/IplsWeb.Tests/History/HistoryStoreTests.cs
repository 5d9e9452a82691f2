using IplsWeb.Fleet;
using IplsWeb.History;

namespace IplsWeb.Tests.History;

/// <summary>The SQLite history on a real file.</summary>
public sealed class HistoryStoreTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ipls-history-").FullName;
    private HistoryStore? _store;

    public async Task InitializeAsync() => _store = await HistoryStore.OpenAsync(Path.Combine(_dir, "history.db"), CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _store!.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task EventPages_AreNewestFirst_FilteredByKind_AndCountAll()
    {
        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
        var events = Enumerable.Range(0, 2_500)
            .Select(i => new FleetEvent(t0.AddSeconds(i), i % 5 == 0 ? FleetEventKind.Rejected : FleetEventKind.ThresholdCrossed, $"v{i % 7}", $"event {i}"))
            .ToList();
        await _store!.WriteAsync([], events, CancellationToken.None);

        var first = await _store.EventPageAsync([], 0, 50, CancellationToken.None);
        Assert.Equal(2_500, first.Total);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"event {2_499 - i}"), first.Items.Select(e => e.Detail));

        var deep = await _store.EventPageAsync([], 2_450, 100, CancellationToken.None);
        Assert.Equal(50, deep.Items.Count);
        Assert.Equal("event 0", deep.Items[^1].Detail);

        var rejected = await _store.EventPageAsync([FleetEventKind.Rejected], 100, 50, CancellationToken.None);
        Assert.Equal(500, rejected.Total);
        Assert.All(rejected.Items, e => Assert.Equal(FleetEventKind.Rejected, e.Kind));
        Assert.Equal("event 1995", rejected.Items[0].Detail);

        var both = await _store.EventPageAsync([FleetEventKind.Rejected, FleetEventKind.ThresholdCrossed], 0, 1, CancellationToken.None);
        Assert.Equal(2_500, both.Total);
        Assert.Equal(0, (await _store.EventPageAsync([FleetEventKind.Joined], 0, 10, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task AnHourOfScores_IsDownsampledIntoBucketsWithTheRightMinMaxMeanAndCount()
    {
        const long start = 1_764_000_000_000;
        var rows = Enumerable.Range(0, 14_400).Select(i => new ScoreRow(3, start + (i * 250L), (i % 97) / 100f)).ToList();
        rows.Add(new ScoreRow(4, start, 9f)); // another vehicle: never mixed in
        await _store!.WriteAsync(rows, [], CancellationToken.None);

        var buckets = await _store.ScoresAsync(3, start, start + 3_600_000, 100, CancellationToken.None);

        Assert.Equal(100, buckets.Count);
        Assert.Equal(14_400, buckets.Sum(b => b.Count));
        for (int b = 0; b < buckets.Count; b += 17)
        {
            var expected = rows.Where(r => r.Vehicle == 3 && r.AtUnixMs >= start + (b * 36_000L) && r.AtUnixMs < start + ((b + 1) * 36_000L)).Select(r => r.Score).ToList();
            Assert.Equal(start + (b * 36_000L), buckets[b].AtUnixMs);
            Assert.Equal(expected.Count, buckets[b].Count);
            Assert.Equal(expected.Min(), buckets[b].Min);
            Assert.Equal(expected.Max(), buckets[b].Max);
            Assert.Equal(expected.Average(), buckets[b].Mean, 1e-5f);
        }

        var few = await _store.ScoresAsync(3, start, start + 1000, 100, CancellationToken.None);
        Assert.Equal(4, few.Count); // fewer rows than buckets: one row each
        Assert.All(few, b => Assert.Equal(1, b.Count));
    }

    [Fact]
    public async Task Events_AreNewestFirst_FilteredBySubject_AndRetentionDeletesOnlyOlderRows()
    {
        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
        await _store!.WriteAsync(
            [new ScoreRow(1, t0.ToUnixTimeMilliseconds(), 0.1f), new ScoreRow(1, t0.AddHours(2).ToUnixTimeMilliseconds(), 0.2f)],
            [
                new FleetEvent(t0, FleetEventKind.Joined, "vehicle-1", "peer"),
                new FleetEvent(t0.AddMinutes(1), FleetEventKind.ModeSwitched, "vehicle-1", "normal → anomaly"),
                new FleetEvent(t0.AddMinutes(2), FleetEventKind.Joined, "vehicle-2", "peer"),
                new FleetEvent(t0.AddHours(2), FleetEventKind.Lost, "vehicle-1", "connection lost"),
            ],
            CancellationToken.None);

        var all = await _store.EventsAsync(0, long.MaxValue, 10, null, CancellationToken.None);
        Assert.Equal([FleetEventKind.Lost, FleetEventKind.Joined, FleetEventKind.ModeSwitched, FleetEventKind.Joined], all.Select(e => e.Kind));
        var one = await _store.EventsAsync(0, long.MaxValue, 10, "vehicle-1", CancellationToken.None);
        Assert.Equal(3, one.Count);
        Assert.Equal("normal → anomaly", one[1].Detail);

        int deleted = await _store.DeleteOlderThanAsync(t0.AddHours(1).ToUnixTimeMilliseconds(), CancellationToken.None);

        Assert.Equal(4, deleted); // one score, three events
        Assert.Single(await _store.EventsAsync(0, long.MaxValue, 10, null, CancellationToken.None));
        var left = await _store.ScoresAsync(1, 0, long.MaxValue / 2, 10, CancellationToken.None);
        Assert.Equal(0.2f, Assert.Single(left).Max);
    }
}
