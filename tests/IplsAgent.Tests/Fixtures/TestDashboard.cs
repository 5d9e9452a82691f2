using System.Collections.Concurrent;
using IplsCore.Control;
using IplsCore.Tests.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IplsAgent.Tests.Fixtures;

/// <summary>A real Kestrel host with a real SignalR hub implementing the shared contract, standing in for the dashboard.</summary>
internal sealed class TestDashboard : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestDashboard(WebApplication app, Uri url, HubRecorder recorder)
    {
        _app = app;
        Url = url;
        Recorder = recorder;
    }

    public Uri Url { get; }

    public HubRecorder Recorder { get; }

    public IHubContext<TestAgentHub, IAgentClient> Hub => _app.Services.GetRequiredService<IHubContext<TestAgentHub, IAgentClient>>();

    public static async Task<TestDashboard> StartAsync(string fleetToken, int? port = null)
    {
        int p = port ?? Brokers.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{p}");
        var recorder = new HubRecorder(fleetToken);
        builder.Services.AddSingleton(recorder);
        builder.Services.AddSignalR();
        var app = builder.Build();
        app.MapHub<TestAgentHub>(AgentHubRoutes.Path);
        await app.StartAsync();
        return new TestDashboard(app, new Uri($"http://127.0.0.1:{p}/"), recorder);
    }

    public IAgentClient Agent(string agentId) =>
        Hub.Clients.Client(Recorder.Connections.TryGetValue(agentId, out string? id) ? id : throw new InvalidOperationException(agentId + " is not connected"));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>What the test hub saw.</summary>
internal sealed class HubRecorder(string fleetToken)
{
    public string FleetToken { get; } = fleetToken;

    public ConcurrentDictionary<string, string> Connections { get; } = new();

    public ConcurrentQueue<AgentRegistration> Registrations { get; } = new();

    public ConcurrentQueue<AgentStatusReport> Statuses { get; } = new();

    public ConcurrentQueue<AgentLogLine> Logs { get; } = new();

    public int RefusedConnections;

    public int Goodbyes;

    public AgentStatusReport? LastStatus(string agentId) => Statuses.LastOrDefault(s => s.AgentId == agentId);
}

/// <summary>The hub: authenticates by the derived token, records registrations, statuses and logs.</summary>
internal sealed class TestAgentHub(HubRecorder recorder) : Hub<IAgentClient>, IAgentHub
{
    public override Task OnConnectedAsync()
    {
        var http = Context.GetHttpContext()!;
        string? token = http.Request.Query["access_token"];
        string? header = http.Request.Headers.Authorization;
        if (header is not null && header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            token = header["Bearer ".Length..];
        }

        if (!HubToken.Matches(recorder.FleetToken, token))
        {
            Interlocked.Increment(ref recorder.RefusedConnections);
            Context.Abort();
        }

        return base.OnConnectedAsync();
    }

    public Task<CommandResult> Register(AgentRegistration registration)
    {
        recorder.Connections[registration.AgentId] = Context.ConnectionId;
        recorder.Registrations.Enqueue(registration);
        return Task.FromResult(CommandResult.Ok("welcome"));
    }

    public Task ReportStatus(AgentStatusReport status)
    {
        recorder.Statuses.Enqueue(status);
        return Task.CompletedTask;
    }

    public Task Leaving()
    {
        Interlocked.Increment(ref recorder.Goodbyes);
        return Task.CompletedTask;
    }

    public Task ReportLogs(IReadOnlyList<AgentLogLine> lines)
    {
        foreach (var line in lines)
        {
            recorder.Logs.Enqueue(line);
        }

        return Task.CompletedTask;
    }
}
