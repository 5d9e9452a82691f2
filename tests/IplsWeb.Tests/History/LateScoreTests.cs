namespace IplsWeb.Tests.History;

/// <summary>Scores that arrive late (queued through an outage) land at their own time, once.</summary>
public sealed class LateScoreTests
{
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
