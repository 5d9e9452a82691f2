using IplsWeb.Broker;
using IplsWeb.Hosting;

namespace IplsWeb.Tests.Broker;

public sealed class BacklogPolicyTests
{
    private static readonly BrokerOptions Options = new() { MaxPendingPerClient = 1_000, HoldPublishersAbove = 100, ResumeBelow = 20, StallAfter = TimeSpan.FromSeconds(1) };
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void HoldsAboveTheHighMark_AndResumesOnlyUnderTheLowMark()
    {
        var policy = new BacklogPolicy(Options);
        policy.Observe([new("sub", 100, 0)], T0);
        Assert.False(policy.Holding);

        policy.Observe([new("sub", 101, 10)], T0.AddMilliseconds(10));
        Assert.True(policy.Holding);
        Assert.Equal(101, policy.Deepest);

        policy.Observe([new("sub", 50, 70)], T0.AddMilliseconds(20));
        Assert.True(policy.Holding);

        policy.Observe([new("sub", 19, 110)], T0.AddMilliseconds(30));
        Assert.False(policy.Holding);
    }

    [Fact]
    public void ASubscriberThatStopsReading_NoLongerHoldsPublishers_AndIsReportedOnce()
    {
        var policy = new BacklogPolicy(Options);
        policy.Observe([new("stuck", 500, 7), new("fast", 0, 100)], T0);
        Assert.True(policy.Holding);

        Assert.Empty(policy.Observe([new("stuck", 600, 7), new("fast", 0, 200)], T0.AddMilliseconds(900)));
        Assert.True(policy.Holding);

        Assert.Equal(["stuck"], policy.Observe([new("stuck", 700, 7), new("fast", 0, 300)], T0.AddSeconds(1)));
        Assert.False(policy.Holding);
        Assert.Equal(0, policy.Deepest);
        Assert.Empty(policy.Observe([new("stuck", 800, 7), new("fast", 0, 400)], T0.AddSeconds(2)));

        // It reads again: it counts again.
        policy.Observe([new("stuck", 700, 107), new("fast", 0, 500)], T0.AddSeconds(3));
        Assert.True(policy.Holding);
        Assert.Equal(700, policy.Deepest);
    }

    [Fact]
    public void AnIdleSubscriberWithNothingWaiting_IsNeverStalled()
    {
        var policy = new BacklogPolicy(Options);
        policy.Observe([new("idle", 0, 5)], T0);
        Assert.Empty(policy.Observe([new("idle", 0, 5)], T0.AddMinutes(5)));
        Assert.Empty(policy.Observe([new("idle", 150, 5)], T0.AddMinutes(5).AddMilliseconds(10)));
        Assert.True(policy.Holding);
    }

    [Fact]
    public void ADisconnectedClient_IsForgotten()
    {
        var policy = new BacklogPolicy(Options);
        policy.Observe([new("sub", 500, 1)], T0);
        Assert.True(policy.Holding);

        policy.Observe([], T0.AddMilliseconds(10));
        Assert.False(policy.Holding);

        // Back with the same id and a fresh count: not taken for a stalled client.
        Assert.Empty(policy.Observe([new("sub", 0, 0)], T0.AddSeconds(10)));
    }

    [Fact]
    public void BadOptions_AreNamed()
    {
        Assert.Contains(new BrokerOptions { HoldPublishersAbove = 10, ResumeBelow = 10 }.Problems(), p => p.Contains("ResumeBelow", StringComparison.Ordinal));
        Assert.Contains(new BrokerOptions { MaxPendingPerClient = 5 }.Problems(), p => p.Contains("MaxPendingPerClient", StringComparison.Ordinal));
        Assert.Contains(new BrokerOptions { MaxHold = TimeSpan.Zero }.Problems(), p => p.Contains("MaxHold", StringComparison.Ordinal));
        Assert.Empty(new BrokerOptions().Problems());
    }
}
