using IplsCore.Control;

namespace IplsWeb.Fleet;

/// <summary>One agent as the dashboard knows it: registration, latest status, hub connection, recent logs.</summary>
public sealed class AgentEntry(AgentRegistration registration)
{
    private readonly Queue<AgentLogLine> _logs = new();
    private readonly Lock _gate = new();

    public AgentRegistration Registration { get; set; } = registration;

    public AgentStatusReport? Status { get; set; }

    public string? ConnectionId { get; set; }

    public bool Connected => ConnectionId is not null;

    /// <summary>The connection on which the agent said it is leaving (a stop on purpose), if any.</summary>
    public string? LeavingConnectionId { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    /// <summary>When the connection went, and how ("connection lost", "disconnected").</summary>
    public (DateTimeOffset At, string Reason)? Gone { get; set; }

    /// <summary>When the agent was first seen stopped (null while it runs).</summary>
    public DateTimeOffset? StoppedSince { get; set; }

    /// <summary>Set while a restart or config apply is on its way (the chip says "restarting").</summary>
    public DateTimeOffset? RestartingSince { get; set; }

    /// <summary>The fleet model version the agent scores with: the sum of its partition versions (each aggregation adds one).</summary>
    public long ModelVersion { get; set; }

    /// <summary>When the dashboard saw <see cref="ModelVersion"/> change last.</summary>
    public DateTimeOffset? ModelChangedAt { get; set; }

    /// <summary>When the agent last finished a training round (its data is being learned from).</summary>
    public DateTimeOffset? LearnedAt { get; set; }

    public AgentHealth Health => this switch
    {
        { Connected: false } => AgentHealth.Unreachable,
        { RestartingSince: not null } => AgentHealth.Restarting,
        { Status: null } => AgentHealth.Connected,
        { Status.State: IplsCore.Control.AgentRunState.Stopped } => AgentHealth.Stopped,
        { Status.Synchronized: false } => AgentHealth.Joining,
        _ => AgentHealth.Running,
    };

    /// <summary>Since when the agent is in its current unhealthy state, with why (for the card).</summary>
    public string? HealthDetail(TimeZoneInfo zone) => Health switch
    {
        AgentHealth.Unreachable when Gone is { } gone => $"{gone.Reason} since {Times.Format(gone.At, zone)}",
        AgentHealth.Stopped when StoppedSince is { } since => $"stopped (not consuming data) since {Times.Format(since, zone)}",
        AgentHealth.Restarting when RestartingSince is { } since => $"restarting since {Times.Format(since, zone)}",
        _ => null,
    };

    public void AddLogs(IEnumerable<AgentLogLine> lines, int keep)
    {
        lock (_gate)
        {
            foreach (var line in lines)
            {
                _logs.Enqueue(line);
            }

            while (_logs.Count > keep)
            {
                _logs.Dequeue();
            }
        }
    }

    public AgentLogLine[] Logs()
    {
        lock (_gate)
        {
            return [.. _logs];
        }
    }
}
