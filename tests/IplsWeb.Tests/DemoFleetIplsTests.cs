namespace IplsWeb.Tests;

public sealed class DemoFleetIplsTests
{
    [Fact]
    public async Task DemoFleet_Synchronizes_AndAggregatesPartitions()
    {
        await using var host = await DashboardHost.StartAsync(peers: 2, bootstrappers: 1, rateHz: 8);
        var fleet = host.Fleet;
        try
        {
            await Eventually.TrueAsync(
                () => fleet.Agents.Count == 3 && fleet.Agents.All(a => a.Status is { Synchronized: true } s && s.Partitions.All(p => p.Version >= 1)),
                "every agent holds the fleet model and partitions were aggregated",
                seconds: 45);
        }
        catch (Xunit.Sdk.XunitException)
        {
            var logs = fleet.Agents.SelectMany(a => a.Logs().Select(l => $"{a.Registration.AgentId} {l.At:HH:mm:ss.fff} {l.Level} {l.Category} {l.Message}"));
            Assert.Fail(string.Join("\n", logs));
        }
    }
}
