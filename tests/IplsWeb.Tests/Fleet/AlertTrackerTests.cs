using IplsWeb.Fleet;
using Microsoft.Extensions.Time.Testing;

namespace IplsWeb.Tests.Fleet;

public sealed class AlertTrackerTests
{
    private const double Threshold = 0.08;
    private readonly AlertTracker _tracker = new() { ResolveAfter = TimeSpan.FromSeconds(30), SmoothingSamples = 8 };
    private long _at = 1_000_000;

    private void Scores(int vehicle, int count, Func<int, double> score, int stepMs = 250)
    {
        for (int i = 0; i < count; i++)
        {
            _tracker.OnScore(vehicle, score(i), _at, Threshold);
            _at += stepMs;
        }
    }

    [Fact]
    public void AnEpisodeThatFlapsAroundTheThreshold_IsOneAlert_WithItsPeak()
    {
        var changes = new List<Alert>();
        _tracker.Changed += changes.Add;

        Scores(1, 40, _ => 0.01);
        // An anomaly whose raw score jumps above and below the threshold every other sample.
        Scores(1, 400, i => i % 2 == 0 ? 0.30 : 0.05);

        var alert = Assert.Single(_tracker.All());
        Assert.Equal(AlertState.Firing, alert.State);
        Assert.Equal(0.30, alert.Peak, 6);
        Assert.Single(changes);
        Assert.Equal(1, _tracker.FiringCount);
    }

    [Fact]
    public void AnAlert_ResolvesOnlyAfterTheSmoothedScoreStayedBelowForTheResolveTime()
    {
        Scores(2, 40, _ => 0.3);
        Assert.NotNull(_tracker.Firing(2));

        Scores(2, 100, _ => 0.01); // 25 s below: not yet
        Assert.NotNull(_tracker.Firing(2));

        Scores(2, 40, _ => 0.01); // 35 s below
        Assert.Null(_tracker.Firing(2));
        var alert = Assert.Single(_tracker.All());
        Assert.Equal(AlertState.Resolved, alert.State);
        Assert.True(alert.Duration(DateTimeOffset.MaxValue) > TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void ASpikeBackAboveBeforeTheResolveTime_KeepsTheSameAlert()
    {
        Scores(3, 40, _ => 0.3);
        Scores(3, 80, _ => 0.01);
        Scores(3, 20, _ => 0.3);
        Scores(3, 200, _ => 0.01);

        var alert = Assert.Single(_tracker.All());
        Assert.Equal(AlertState.Resolved, alert.State);
    }

    [Fact]
    public void AfterResolving_ANewEpisodeIsANewAlert_AndVehiclesAreSeparate()
    {
        Scores(4, 40, _ => 0.3);
        Scores(4, 200, _ => 0.01);
        Scores(4, 40, _ => 0.3);
        Scores(5, 40, _ => 0.3);

        Assert.Equal(3, _tracker.All().Count);
        Assert.Equal(2, _tracker.FiringCount);
    }

    [Fact]
    public void ASingleNoisySample_DoesNotOpenAnAlert()
    {
        Scores(6, 40, _ => 0.01);
        Scores(6, 1, _ => 0.2);
        Scores(6, 40, _ => 0.01);

        Assert.Empty(_tracker.All());
    }

    [Fact]
    public void FleetState_RaisesOneEventPerEpisode_NotOnePerCrossing()
    {
        var fleet = new FleetState(new FakeTimeProvider());
        fleet.Alerts.ResolveAfter = TimeSpan.FromSeconds(30);
        long at = 1_000_000;
        for (int i = 0; i < 2_000; i++, at += 250)
        {
            fleet.OnScore(1, i % 2 == 0 ? 0.3f : 0.01f, at); // 1,000 crossings
        }

        var events = fleet.Events();
        Assert.DoesNotContain(events, e => e.Kind == FleetEventKind.ThresholdCrossed);
        Assert.Single(events, e => e.Kind == FleetEventKind.AlertFiring && e.Subject == "vehicle 1");
    }
}
