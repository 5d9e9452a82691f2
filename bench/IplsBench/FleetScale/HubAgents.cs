using IplsCore.Control;
using IplsCore.Ipls;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace IplsBench.FleetScale;

/// <summary>
/// The vehicles' agents as the dashboard's hub sees them: one SignalR connection each (WebSockets,
/// the fleet token's hub token, as <c>ControlClient</c> connects), registered, then a status every
/// <see cref="StatusEvery"/>. One shared timer spreads the reports evenly over that period.
/// </summary>
internal sealed class HubAgents : IAsyncDisposable
{
    public static readonly TimeSpan StatusEvery = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Slot = TimeSpan.FromMilliseconds(100);

    private readonly HubConnection[] _connections;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _reported;
    private long _failed;

    private HubAgents(HubConnection[] connections)
    {
        _connections = connections;
        _loop = RunAsync(_stop.Token);
    }

    /// <summary>Status reports the hub has handled (the invocation completed).</summary>
    public long Reported => Interlocked.Read(ref _reported);

    public long Failed => Interlocked.Read(ref _failed);

    public int Connected => _connections.Count(c => c.State == HubConnectionState.Connected);

    public int Count => _connections.Length;

    public static async Task<HubAgents> StartAsync(Uri dashboard, string fleetToken, int vehicles, CancellationToken cancellationToken)
    {
        string token = HubToken.Derive(fleetToken);
        var hub = new Uri(dashboard, AgentHubRoutes.Path);
        var connections = new HubConnection[vehicles];
        for (int i = 0; i < vehicles; i++)
        {
            connections[i] = new HubConnectionBuilder()
                .WithUrl(hub, o =>
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                })
                .Build();
        }

        // Connected and registered a few dozen at a time, as a fleet coming online would.
        foreach (var batch in Enumerable.Range(0, vehicles).Chunk(50))
        {
            await Task.WhenAll(batch.Select(async i =>
            {
                await connections[i].StartAsync(cancellationToken).ConfigureAwait(false);
                var result = await connections[i].InvokeAsync<CommandResult>(nameof(IAgentHub.Register), Registration(i + 1), cancellationToken).ConfigureAwait(false);
                if (!result.Accepted)
                {
                    throw new InvalidOperationException($"the hub refused bench agent {i + 1}: {result.Message}");
                }
            })).ConfigureAwait(false);
        }

        return new HubAgents(connections);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        foreach (var batch in _connections.Chunk(100))
        {
            await Task.WhenAll(batch.Select(c => c.DisposeAsync().AsTask())).ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private static AgentRegistration Registration(int vehicle) =>
        new(AgentId(vehicle), vehicle, PeerRole.Peer, "bench", "Linux", "X64", "bench", "{}");

    private static string AgentId(int vehicle) => $"bench-agent-{vehicle}";

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        int slots = (int)(StatusEvery / Slot);
        var ticks = new Dashboard.SteadyTicks(Slot);
        var inFlight = new List<Task>();
        long slot = 0;
        try
        {
            while (true)
            {
                var now = await ticks.NextAsync(cancellationToken).ConfigureAwait(false);
                int current = (int)(slot++ % slots);
                for (int i = current; i < _connections.Length; i += slots)
                {
                    inFlight.Add(ReportAsync(_connections[i], i + 1, now));
                }

                // Reports do not wait for earlier ones (each agent has its own timer); a backlog of
                // more than one round of reports holds the loop back.
                inFlight.RemoveAll(t => t.IsCompleted);
                if (inFlight.Count > _connections.Length)
                {
                    await Task.WhenAll(inFlight).ConfigureAwait(false);
                    inFlight.Clear();
                }
            }
        }
        finally
        {
            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }
    }

    private async Task ReportAsync(HubConnection connection, int vehicle, DateTimeOffset now)
    {
        var status = new AgentStatusReport
        {
            AgentId = AgentId(vehicle),
            Vehicle = vehicle,
            Role = PeerRole.Peer,
            State = AgentRunState.Running,
            At = now,
            Synchronized = true,
            BrokerConnected = true,
            IplsNetwork = "mqtt",
            RoundsDone = (int)(now.ToUnixTimeSeconds() / 60 % 1000),
            LastScore = 0.02f,
            Threshold = 0.08,
            SamplesScored = now.ToUnixTimeSeconds(),
            ScoresAboveThreshold = 0,
            Partitions = [],
            Peers = [],
            Rejected = AgentRejections.None,
            CpuPercent = 1.5,
            MemoryMb = 80,
        };
        try
        {
            await connection.InvokeAsync(nameof(IAgentHub.ReportStatus), status, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref _reported);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Microsoft.AspNetCore.SignalR.HubException or IOException or System.Net.WebSockets.WebSocketException)
        {
            Interlocked.Increment(ref _failed);
        }
    }
}
