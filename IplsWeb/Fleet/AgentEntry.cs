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
