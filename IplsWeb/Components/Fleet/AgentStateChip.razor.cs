using IplsWeb.Fleet;
using Microsoft.AspNetCore.Components;

namespace IplsWeb.Components.Fleet;

/// <summary>An agent's state as a small chip; colours pass WCAG AA for small text (see the .css).</summary>
public sealed partial class AgentStateChip
{
    [Parameter]
    public AgentEntry? Agent { get; set; }

    private string Health => Agent?.Health.ToString().ToLowerInvariant() ?? "unknown";

    private string CssClass => "state-" + Health;

    private string Text => Agent?.Health switch
    {
        null => "unknown",
        AgentHealth.Connected => "connected",
        AgentHealth.Joining => "joining",
        AgentHealth.Running => "running",
        AgentHealth.Stopped => "stopped",
        AgentHealth.Restarting => "restarting",
        _ => "unreachable",
    };

    private string Title => Agent?.HealthDetail(TimeZoneInfo.Local) ?? Text;
}
