namespace IplsCore.Control;

/// <summary>
/// What an agent calls on the dashboard's hub. The dashboard's hub implements it; the agent calls
/// the methods by name (<c>nameof</c>), so both sides share this one definition.
/// </summary>
public interface IAgentHub
{
    /// <summary>First call after every (re)connection. A refused registration carries the reason.</summary>
    Task<CommandResult> Register(AgentRegistration registration);

    Task ReportStatus(AgentStatusReport status);

    /// <summary>Recent log lines, in batches.</summary>
    Task ReportLogs(IReadOnlyList<AgentLogLine> lines);

    /// <summary>
    /// Said by an agent that stops on purpose, just before it closes the link: the dashboard records
    /// "Left". A link that ends without it (kill -9, a crash, a cut cable) is "Lost".
    /// </summary>
    Task Leaving();
}
