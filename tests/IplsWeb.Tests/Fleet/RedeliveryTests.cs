using System.Buffers;
using System.Globalization;
using System.Text;
using IplsWeb.Broker;
using IplsWeb.Fleet;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IplsWeb.Tests.Fleet;

/// <summary>A QoS 1 redelivery (the same score message again, after a session resumes) shows once in the live window, as in the history.</summary>
public sealed class RedeliveryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private readonly FleetState _fleet;
    private readonly BrokerIngest _ingest;
    private readonly List<ScorePoint> _toHistory = [];

    public RedeliveryTests()
    {
        var time = new FakeTimeProvider(Now);
        _fleet = new FleetState(time);
        _fleet.ScoreAdded += (_, point) => _toHistory.Add(point);
        _ingest = new BrokerIngest(_fleet, time, NullLogger<BrokerIngest>.Instance);
    }

    private void Score(int vehicle, float score, long producedMs) =>
        _ingest.Ingest($"v{vehicle}/anomaly", new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"anomaly_score\":[{score}],\"timestamp\":{producedMs / 1000},\"timestamp_ms\":{producedMs}}}"))), "vehicle-3");

    private ScorePoint[] Live(int vehicle) => _fleet.Vehicle(vehicle).Scores.AddedAfter(0).Items;

    [Fact]
    public void TheSameScoreMessageTwice_IsOnePoint_CountedOnce_AndQueuedForTheHistoryOnce()
    {
        long at = Now.ToUnixTimeMilliseconds() - 250;
        Score(3, 0.05f, at);
        Score(3, 0.05f, at);

        Assert.Equal([new ScorePoint(at, 0.05f)], Live(3));
        Assert.Equal(1, _fleet.Vehicle(3).ScoresReceived);
        Assert.Single(_toHistory);
        Assert.Equal(1, _fleet.Vehicle(3).Trend.Read(Now.ToUnixTimeMilliseconds()).Count);
    }

    [Fact]
    public void TwoDifferentScores_AtTheSameTime_AreBothKept_AndTheSameScoreOfAnotherVehicleToo()
    {
        long at = Now.ToUnixTimeMilliseconds() - 250;
        Score(3, 0.05f, at);
        Score(3, 0.06f, at);
        Score(4, 0.05f, at);

        Assert.Equal([new ScorePoint(at, 0.05f), new ScorePoint(at, 0.06f)], Live(3));
        Assert.Equal([new ScorePoint(at, 0.05f)], Live(4));
        Assert.Equal(3, _toHistory.Count);
    }

    [Fact]
    public void AResentInFlightWindow_AddsOnlyWhatIsNew_InOrder()
    {
        // 20 in flight when the link broke (mosquitto's max_inflight_messages); all 20 come again, then new ones.
        long start = Now.ToUnixTimeMilliseconds() - 10_000;
        var sent = Enumerable.Range(0, 20).Select(i => new ScorePoint(start + (i * 250), 0.01f * (i % 7))).ToList();
        foreach (var point in sent.Concat(sent))
        {
            Score(3, point.Score, point.AtUnixMs);
        }

        var later = new ScorePoint(start + (20 * 250), 0.2f);
        Score(3, later.Score, later.AtUnixMs);
        Score(3, 0.01f * 3, start + (3 * 250)); // one more copy of an old one, after the new one: still found

        Assert.Equal([.. sent, later], Live(3));
        Assert.Equal(21, _fleet.Vehicle(3).ScoresReceived);
    }

    [Fact]
    public void TheSearch_CoversTheLastItemsWhateverTheirTimes_AndFurtherOnlyWhileTheyAreNoOlder()
    {
        var window = new TimeWindow<ScorePoint>(500, p => p.AtUnixMs);
        Assert.True(window.TryAdd(new ScorePoint(100, 0.1f)));
        Assert.True(window.TryAdd(new ScorePoint(50, 0.2f))); // late data: older than the one before
        Assert.True(window.TryAdd(new ScorePoint(200, 0.3f)));
        Assert.False(window.TryAdd(new ScorePoint(100, 0.1f))); // within the last 64: found past the older 50
        Assert.False(window.TryAdd(new ScorePoint(50, 0.2f)));

        // A long replay in time order: its first copy is 200 items back, past newer ones only.
        var replay = new TimeWindow<ScorePoint>(500, p => p.AtUnixMs);
        for (int i = 0; i < 200; i++)
        {
            Assert.True(replay.TryAdd(new ScorePoint(1_000 + i, 0.5f)));
        }

        Assert.False(replay.TryAdd(new ScorePoint(1_000, 0.5f)));

        // Beyond the last 64 an older item ends the search: the same point is added again (the limit).
        Assert.True(replay.TryAdd(new ScorePoint(10, 0.4f)));
        for (int i = 0; i < 64; i++)
        {
            Assert.True(replay.TryAdd(new ScorePoint(5_000 + i, 0.6f)));
        }

        Assert.True(replay.TryAdd(new ScorePoint(1_000, 0.5f)));
        Assert.Equal(200 + 1 + 64 + 1, replay.Count);
    }
}
