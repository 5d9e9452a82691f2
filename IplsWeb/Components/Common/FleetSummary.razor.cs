using IplsWeb.Fleet;

namespace IplsWeb.Components.Common;

/// <summary>The header's fleet health: running, stopped, unreachable agents and vehicles alerting, each a link.</summary>
public sealed partial class FleetSummary
{
    private int _running;
    private int _stopped;
    private int _unreachable;
    private int _alerting;

    protected override bool Shows(FleetChange change) => change.Kind is FleetChangeKind.Agent or FleetChangeKind.Alert;

    protected override void OnParametersSet() => Count();

    protected override bool ShouldRender()
    {
        bool render = base.ShouldRender();
        if (render)
        {
            Count();
        }

        return render;
    }

    private void Count()
    {
        var agents = Fleet.Agents;
        _running = agents.Count(a => a.Health is AgentHealth.Running or AgentHealth.Joining or AgentHealth.Connected or AgentHealth.Restarting);
        _stopped = agents.Count(a => a.Health == AgentHealth.Stopped);
        _unreachable = agents.Count(a => a.Health == AgentHealth.Unreachable);
        _alerting = Fleet.Alerts.FiringCount;
    }
}
