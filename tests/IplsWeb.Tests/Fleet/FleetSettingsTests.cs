using IplsWeb.Fleet;
using IplsWeb.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace IplsWeb.Tests.Fleet;

public sealed class FleetSettingsTests
{
    [Fact]
    public async Task AThresholdChange_ReachesTheStoredSettings_TheFleetState_AndEveryAgent()
    {
        await using var host = await DashboardHost.StartAsync(peers: 2, bootstrappers: 0);
        await Eventually.TrueAsync(() => host.Fleet.Agents.Count == 2 && host.Fleet.Agents.All(a => a.Connected && a.Status is not null), "two agents registered");

        var outcome = await host.Services.GetRequiredService<FleetSettings>().ApplyAsync(0.25, 48);

        Assert.True(outcome.Saved, outcome.Error);
        Assert.Equal(2, outcome.Agents.Count);
        Assert.All(outcome.Agents, a => Assert.True(a.Result.Accepted, a.Result.Message));
        Assert.Equal(0.25, host.Fleet.Threshold);
        var stored = host.Services.GetRequiredService<RuntimeSettings>();
        Assert.Equal((0.25, 48), (stored.Threshold, stored.RetentionHours));
        await Eventually.TrueAsync(() => host.Fleet.Agents.All(a => a.Status?.Threshold == 0.25), "every agent reports the new threshold");
    }

    [Fact]
    public async Task AnOutOfRangeThreshold_IsRefused_AndChangesNothing()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0);
        double before = host.Fleet.Threshold;

        var outcome = await host.Services.GetRequiredService<FleetSettings>().ApplyAsync(-1, 24);

        Assert.False(outcome.Saved);
        Assert.Contains("threshold", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(outcome.Agents);
        Assert.Equal(before, host.Fleet.Threshold);
        Assert.Equal(before, host.Services.GetRequiredService<RuntimeSettings>().Threshold);
    }
}
