using IplsWeb.Fleet;
using IplsWeb.History;

namespace IplsWeb.Tests.History;

/// <summary>
/// What every history store does, run against each provider (SQLite on a real file, PostgreSQL on a
/// real server): the same writes, queries, downsampling, paging, dedupe and retention.
/// </summary>
public abstract class HistoryStoreContract : IAsyncLifetime
{
    private readonly List<IHistoryStore> _opened = [];

    protected IHistoryStore Store { get; private set; } = default!;

    /// <summary>A new store object on the same location as every other one this test opens (not yet opened).</summary>
    protected abstract Task<IHistoryStore> CreateStoreAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => Store = await OpenAsync();

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }

        await CleanUpAsync();
    }

    /// <summary>Another store on the same history, opened (as after a restart of the dashboard).</summary>
    protected async Task<IHistoryStore> OpenAsync()
    {
        var store = await CreateStoreAsync();
        _opened.Add(store);
        await store.OpenAsync(CancellationToken.None);
        return store;
    }

    [Fact]
    public async Task EventPages_AreNewestFirst_FilteredByKind_AndCountAll()
    {
        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
        var events = Enumerable.Range(0, 2_500)
            .Select(i => new FleetEvent(t0.AddSeconds(i), i % 5 == 0 ? FleetEventKind.Rejected : FleetEventKind.ThresholdCrossed, $"v{i % 7}", $"event {i}"))
            .ToList();
        await Store.WriteAsync([], events, CancellationToken.None);

        var first = await Store.EventPageAsync([], 0, 50, CancellationToken.None);
        Assert.Equal(2_500, first.Total);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"event {2_499 - i}"), first.Items.Select(e => e.Detail));

        var deep = await Store.EventPageAsync([], 2_450, 100, CancellationToken.None);
        Assert.Equal(50, deep.Items.Count);
        Assert.Equal("event 0", deep.Items[^1].Detail);

        var rejected = await Store.EventPageAsync([FleetEventKind.Rejected], 100, 50, CancellationToken.None);
        Assert.Equal(500, rejected.Total);
        Assert.All(rejected.Items, e => Assert.Equal(FleetEventKind.Rejected, e.Kind));
        Assert.Equal("event 1995", rejected.Items[0].Detail);

        var both = await Store.EventPageAsync([FleetEventKind.Rejected, FleetEventKind.ThresholdCrossed], 0, 1, CancellationToken.None);
        Assert.Equal(2_500, both.Total);
        Assert.Equal(0, (await Store.EventPageAsync([FleetEventKind.Joined], 0, 10, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task AnHourOfScores_IsDownsampledIntoBucketsWithTheRightMinMaxMeanAndCount()
    {
        const long start = 1_764_000_000_000;
        var rows = Enumerable.Range(0, 14_400).Select(i => new ScoreRow(3, start + (i * 250L), (i % 97) / 100f)).ToList();
        rows.Add(new ScoreRow(4, start, 9f)); // another vehicle: never mixed in
        await Store.WriteAsync(rows, [], CancellationToken.None);

        var buckets = await Store.ScoresAsync(3, start, start + 3_600_000, 100, CancellationToken.None);

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

        var few = await Store.ScoresAsync(3, start, start + 1000, 100, CancellationToken.None);
        Assert.Equal(4, few.Count); // fewer rows than buckets: one row each
        Assert.All(few, b => Assert.Equal(1, b.Count));
    }

    [Fact]
    public async Task Events_AreNewestFirst_FilteredBySubject_AndRetentionDeletesOnlyOlderRows()
    {
        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
        await Store.WriteAsync(
            [new ScoreRow(1, t0.ToUnixTimeMilliseconds(), 0.1f), new ScoreRow(1, t0.AddHours(2).ToUnixTimeMilliseconds(), 0.2f)],
            [
                new FleetEvent(t0, FleetEventKind.Joined, "vehicle-1", "peer"),
                new FleetEvent(t0.AddMinutes(1), FleetEventKind.ModeSwitched, "vehicle-1", "normal → anomaly"),
                new FleetEvent(t0.AddMinutes(2), FleetEventKind.Joined, "vehicle-2", "peer"),
                new FleetEvent(t0.AddHours(2), FleetEventKind.Lost, "vehicle-1", "connection lost"),
            ],
            CancellationToken.None);

        var all = await Store.EventsAsync(0, long.MaxValue, 10, null, CancellationToken.None);
        Assert.Equal([FleetEventKind.Lost, FleetEventKind.Joined, FleetEventKind.ModeSwitched, FleetEventKind.Joined], all.Select(e => e.Kind));
        var one = await Store.EventsAsync(0, long.MaxValue, 10, "vehicle-1", CancellationToken.None);
        Assert.Equal(3, one.Count);
        Assert.Equal("normal → anomaly", one[1].Detail);

        int deleted = await Store.DeleteOlderThanAsync(t0.AddHours(1).ToUnixTimeMilliseconds(), CancellationToken.None);

        Assert.Equal(4, deleted); // one score, three events
        Assert.Single(await Store.EventsAsync(0, long.MaxValue, 10, null, CancellationToken.None));
        var left = await Store.ScoresAsync(1, 0, long.MaxValue / 2, 10, CancellationToken.None);
        Assert.Equal(0.2f, Assert.Single(left).Max);
    }

    [Fact]
    public async Task AReopenedStore_KeepsScoresEventsAndAlerts_AndOpeningTwiceChangesNothing()
    {
        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
        await Store.WriteAsync([new ScoreRow(2, t0.ToUnixTimeMilliseconds(), 0.5f)], [new FleetEvent(t0, FleetEventKind.Joined, "vehicle-2", "peer")], CancellationToken.None);
        await Store.WriteAlertsAsync([new Alert(2, t0, null, 0.3, 0.08)], CancellationToken.None);
        await Store.DisposeAsync();

        var reopened = await OpenAsync();
        await reopened.OpenAsync(CancellationToken.None); // idempotent

        Assert.Equal(0.5f, Assert.Single(await reopened.ScoresAsync(2, 0, long.MaxValue / 2, 10, CancellationToken.None)).Max);
        Assert.Equal("peer", Assert.Single(await reopened.EventsAsync(0, long.MaxValue, 10, null, CancellationToken.None)).Detail);
        Assert.Equal(0.3, Assert.Single(await reopened.AlertsAsync(10, CancellationToken.None)).Peak);
    }

    [Fact]
    public async Task ARedeliveredScore_AddsNoRow_InTheSameBatchOrALaterOne_ButAnotherScoreAtTheSameTimeDoes()
    {
        const long at = 1_764_000_000_250;
        var row = new ScoreRow(5, at, 0.25f);
        await Store.WriteAsync([row, row], [], CancellationToken.None);
        await Store.WriteAsync([row, new ScoreRow(5, at + 250, 0.5f)], [], CancellationToken.None);
        await Store.WriteAsync([new ScoreRow(5, at, 0.75f), new ScoreRow(6, at, 0.25f)], [], CancellationToken.None);

        var buckets = await Store.ScoresAsync(5, at, at + 1, 1, CancellationToken.None);
        Assert.Equal(2, Assert.Single(buckets).Count); // 0.25 once, 0.75 (a different score) once
        Assert.Equal(3, (await Store.ScoresAsync(5, 0, long.MaxValue / 2, 1_000, CancellationToken.None)).Sum(b => b.Count));
        Assert.Equal(1, (await Store.ScoresAsync(6, 0, long.MaxValue / 2, 1_000, CancellationToken.None)).Sum(b => b.Count));
    }

    [Fact]
    public async Task AnAlertEpisode_IsOneRow_OpenedThenResolved_KeepingItsPeak_AndRetentionTakesOnlyResolvedOldOnes()
    {
        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
        var opened = new Alert(1, t0, null, 0.5, 0.08);
        await Store.WriteAlertsAsync([opened, opened with { ResolvedAt = t0.AddMinutes(1), Peak = 0.4 }], CancellationToken.None);
        await Store.WriteAlertsAsync([new Alert(2, t0.AddMinutes(2), null, 0.2, 0.08), new Alert(3, t0.AddHours(3), t0.AddHours(4), 0.9, 0.08)], CancellationToken.None);

        var alerts = await Store.AlertsAsync(10, CancellationToken.None);
        Assert.Equal([3, 2, 1], alerts.Select(a => a.Vehicle));
        Assert.Equal(t0.AddMinutes(1), alerts[2].ResolvedAt);
        Assert.Equal(0.5, alerts[2].Peak);
        Assert.Null(alerts[1].ResolvedAt);

        await Store.DeleteOlderThanAsync(t0.AddHours(1).ToUnixTimeMilliseconds(), CancellationToken.None);

        Assert.Equal([3, 2], (await Store.AlertsAsync(10, CancellationToken.None)).Select(a => a.Vehicle)); // a firing one stays
    }

    [Fact]
    public async Task Retention_OverManyDays_KeepsExactlyTheRowsAtOrAfterTheCutoff()
    {
        long today = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 86_400_000 * 86_400_000;
        long first = today - (5 * 86_400_000L);
        var rows = Enumerable.Range(0, 6 * 24).Select(h => new ScoreRow(9, first + (h * 3_600_000L), h / 1000f)).ToList();
        await Store.WriteAsync(rows, [], CancellationToken.None);
        long cutoff = first + (2 * 86_400_000L) + (5 * 3_600_000L); // two days and five hours in

        int deleted = await Store.DeleteOlderThanAsync(cutoff, CancellationToken.None);

        Assert.Equal((2 * 24) + 5, deleted);
        var left = await Store.ScoresAsync(9, first, first + (6 * 86_400_000L), 6 * 24, CancellationToken.None); // hourly buckets
        Assert.Equal(rows.Count - deleted, left.Sum(b => b.Count));
        Assert.Equal(cutoff, left[0].AtUnixMs);

        // Writing into the days that went (a late score) still works.
        await Store.WriteAsync([new ScoreRow(9, first, 1f)], [], CancellationToken.None);
        Assert.Equal(1f, Assert.Single(await Store.ScoresAsync(9, first, first + 1, 1, CancellationToken.None)).Max);
    }
}
