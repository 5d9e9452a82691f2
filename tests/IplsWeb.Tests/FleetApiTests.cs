using System.Net;
using System.Text.Json;
using IplsWeb.Hosting;

namespace IplsWeb.Tests;

/// <summary>GET /api/agents: the agents the hub knows with their latest status (scripts such as the fleet lab read it).</summary>
public sealed class FleetApiTests
{
    [Fact]
    public async Task AgentsApi_ListsRegisteredAgents_WithTheirLatestStatus()
    {
        await using var host = await DashboardHost.StartAsync(peers: 1, bootstrappers: 0);
        using var http = new HttpClient { BaseAddress = host.Url };

        AgentSummary? peer = null;
        await Eventually.TrueAsync(
            async () =>
            {
                var agents = JsonSerializer.Deserialize<AgentSummary[]>(await http.GetStringAsync(FleetApiEndpoints.AgentsPath), JsonSerializerOptions.Web);
                peer = agents?.FirstOrDefault(a => a.Role == "peer" && a.StatusAt is not null && a.SamplesScored > 0);
                return peer is not null;
            },
            "the demo peer is listed with a status that has scored samples");

        Assert.Equal(1, peer!.Vehicle);
        Assert.True(peer.Connected);
        Assert.Equal(host.Fleet.AgentForVehicle(1)!.Registration.AgentId, peer.AgentId);
    }

    [Fact]
    public async Task AgentsApi_OffLoopback_NeedsSignIn()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra: ["--Dashboard:BindAddress=0.0.0.0", "--Dashboard:AdminPassword=correct-horse", "--Dashboard:BrokerPassword=broker-secret"]);
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = host.Url };

        var anonymous = await http.GetAsync(FleetApiEndpoints.AgentsPath);

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/login", anonymous.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}
