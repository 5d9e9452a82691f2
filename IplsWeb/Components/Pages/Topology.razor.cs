using IplsCore.Ipls;
using IplsWeb.Fleet;

namespace IplsWeb.Components.Pages;

/// <summary>Agents on a circle with the links each reports, and the partition × peer ownership table.</summary>
public sealed partial class Topology
{
    private const double Size = 420;
    private const double Radius = 160;

    /// <summary>An agent without a status for this long is drawn unreachable.</summary>
    private static readonly TimeSpan StatusStale = TimeSpan.FromSeconds(10);

    private List<Node> _nodes = [];
    private List<Link> _links = [];
    private List<AgentEntry> _peers = [];
    private int _partitions;

    protected override bool Shows(FleetChange change) => change.Kind == FleetChangeKind.Agent;

    protected override void OnParametersSet() => Layout();

    protected override bool ShouldRender()
    {
        bool render = base.ShouldRender();
        if (render)
        {
            Layout();
        }

        return render;
    }

    private static string NodeClass(Node node) => !node.Reachable ? "node unreachable" : node.Bootstrapper ? "node bootstrapper" : "node peer";

    // The geometry: agents evenly on a circle, starting at the top; a link once per pair.
    private void Layout()
    {
        var agents = Fleet.Agents.ToList();
        var now = Time.GetUtcNow();
        int n = Math.Max(agents.Count, 1);
        const double center = Size / 2;
        _nodes = [.. agents.Select((a, i) =>
        {
            double angle = (2 * Math.PI * i / n) - (Math.PI / 2);
            bool reachable = a.Connected && a.Status is { } s && now - s.At < StatusStale;
            return new Node(a.Registration.AgentId, center + (Radius * Math.Cos(angle)), center + (Radius * Math.Sin(angle)), a.Registration.Role == PeerRole.Bootstrapper, reachable);
        })];
        var byId = _nodes.ToDictionary(node => node.Id, StringComparer.Ordinal);
        _links = [];
        foreach (var agent in agents)
        {
            string id = agent.Registration.AgentId;
            foreach (var peer in agent.Status?.Peers ?? [])
            {
                if (byId.TryGetValue(peer.Id, out var to) && string.CompareOrdinal(id, peer.Id) < 0)
                {
                    bool mutual = Fleet.Agent(peer.Id)?.Status?.Peers.Any(p => p.Id == id) == true;
                    var from = byId[id];
                    _links.Add(new Link(from.X, from.Y, to.X, to.Y, mutual));
                }
            }
        }

        _partitions = agents.Select(a => a.Status?.Partitions.Count ?? 0).DefaultIfEmpty(0).Max();
        _peers = [.. agents.Where(a => a.Registration.Role == PeerRole.Peer)];
    }

    private sealed record Node(string Id, double X, double Y, bool Bootstrapper, bool Reachable);

    private sealed record Link(double X1, double Y1, double X2, double Y2, bool Mutual);
}
