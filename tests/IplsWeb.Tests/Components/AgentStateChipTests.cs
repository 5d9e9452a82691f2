using Bunit;
using IplsCore.Control;
using IplsCore.Ipls;
using IplsWeb.Components.Fleet;
using IplsWeb.Fleet;
using MudBlazor.Services;
using Microsoft.Extensions.DependencyInjection;

namespace IplsWeb.Tests.Components;

public sealed class AgentStateChipTests : IAsyncDisposable
{
    private readonly BunitContext _context = new();

    public AgentStateChipTests()
    {
        _context.Services.AddMudServices();
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    // MudBlazor's services are only async-disposable.
    public ValueTask DisposeAsync() => _context.DisposeAsync();

    private static AgentStatusReport Status(AgentRunState state, bool synchronized) => new()
    {
        AgentId = "a",
        Vehicle = 1,
        Role = PeerRole.Peer,
        State = state,
        At = DateTimeOffset.UtcNow,
        Synchronized = synchronized,
        BrokerConnected = true,
        RoundsDone = 1,
        Threshold = 0.08,
        SamplesScored = 1,
        ScoresAboveThreshold = 0,
        Partitions = [],
        Peers = [],
        Rejected = AgentRejections.None,
        CpuPercent = 0,
        MemoryMb = 1,
    };

    [Theory]
    [InlineData(false, false, AgentRunState.Running, true, "unreachable")]
    [InlineData(true, false, AgentRunState.Running, true, "connected")]
    [InlineData(true, true, AgentRunState.Stopped, true, "stopped")]
    [InlineData(true, true, AgentRunState.Running, false, "joining")]
    [InlineData(true, true, AgentRunState.Running, true, "running")]
    public void ShowsWhatTheAgentIsDoing(bool connected, bool hasStatus, AgentRunState state, bool synchronized, string expected)
    {
        var entry = new AgentEntry(new AgentRegistration("a", 1, PeerRole.Peer, "1", "linux", "x64", "h", "{}"))
        {
            ConnectionId = connected ? "c" : null,
            Status = hasStatus ? Status(state, synchronized) : null,
        };

        var cut = _context.Render<AgentStateChip>(p => p.Add(c => c.Agent, entry));

        Assert.Equal(expected, cut.Find("[data-testid=agent-state]").TextContent.Trim());
    }
}
