namespace IplsWeb.Fleet;

/// <summary>What the dense fleet overview sorts by.</summary>
public enum OverviewSort
{
    /// <summary>Alerting and above the threshold first, then unreachable, stopped, restarting, joining, running; each by last score.</summary>
    Attention,
    Vehicle,
    LastScore,
    ShareAbove,
    State,
}

/// <summary>Which vehicles the dense fleet overview shows.</summary>
public enum OverviewFilter
{
    All,
    Alerting,
    AboveThreshold,
    Unreachable,
    Stopped,
    Running,
}

/// <summary>
/// The dense overview's order of the whole fleet: every vehicle (a peer agent or scores) filtered and
/// sorted once, from per-vehicle values that cost the same however many scores arrive
/// (<see cref="ScoreTrend"/>, the last score, the agent's health). The view rebuilds it at a bounded
/// cadence and renders only the rows on screen, so a refresh does not grow with the fleet.
/// </summary>
public sealed class VehicleOrder
{
    private VehicleOrder(int[] vehicles, IReadOnlyDictionary<int, AgentEntry> agents, int fleetSize)
    {
        Vehicles = vehicles;
        Agents = agents;
        FleetSize = fleetSize;
    }

    public static VehicleOrder Empty { get; } = new([], new Dictionary<int, AgentEntry>(), 0);

    /// <summary>The vehicles shown, in order.</summary>
    public int[] Vehicles { get; }

    /// <summary>Each vehicle's peer agent, as found when the order was built (the entries themselves stay live).</summary>
    public IReadOnlyDictionary<int, AgentEntry> Agents { get; }

    /// <summary>All vehicles, before the filter.</summary>
    public int FleetSize { get; }

    public static VehicleOrder Build(FleetState fleet, long nowUnixMs, OverviewSort sort, bool descending, string? text, OverviewFilter filter)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        var agents = new Dictionary<int, AgentEntry>();
        foreach (var agent in fleet.Agents)
        {
            if (agent.Registration.Role == IplsCore.Ipls.PeerRole.Peer)
            {
                agents.TryAdd(agent.Registration.Vehicle, agent);
            }
        }

        var numbers = new HashSet<int>(agents.Keys);
        foreach (var vehicle in fleet.Vehicles)
        {
            numbers.Add(vehicle.Vehicle);
        }

        double threshold = fleet.Threshold;
        string? needle = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        var keys = new List<Key>(numbers.Count);
        foreach (int number in numbers)
        {
            var agent = agents.GetValueOrDefault(number);
            var state = fleet.Vehicle(number);
            float? last = state.LastScore?.Score;
            var key = new Key(number, Rank(fleet.Alerts.Firing(number) is not null, last > threshold, agent?.Health), last ?? -1, state.Trend.ShareAbove(nowUnixMs), agent?.Health);
            if (Matches(key, agent, needle, filter))
            {
                keys.Add(key);
            }
        }

        Comparison<Key> compare = sort switch
        {
            OverviewSort.Vehicle => (a, b) => a.Vehicle.CompareTo(b.Vehicle),
            OverviewSort.LastScore => (a, b) => Then(b.Last.CompareTo(a.Last), a, b),
            OverviewSort.ShareAbove => (a, b) => Then(b.Share.CompareTo(a.Share), a, b),
            OverviewSort.State => (a, b) => Then(StateRank(a.Health).CompareTo(StateRank(b.Health)), a, b),
            _ => (a, b) => Then(a.Rank != b.Rank ? a.Rank.CompareTo(b.Rank) : b.Last.CompareTo(a.Last), a, b),
        };
        keys.Sort(descending ? (a, b) => compare(b, a) : compare);
        return new VehicleOrder([.. keys.Select(k => k.Vehicle)], agents, numbers.Count);
    }

    /// <summary>The attention rank: 0 alerting, 1 above the threshold, then by agent health.</summary>
    public static int Rank(bool alerting, bool above, AgentHealth? health) =>
        alerting ? 0 : above ? 1 : 2 + StateRank(health);

    private static int StateRank(AgentHealth? health) => health switch
    {
        AgentHealth.Unreachable => 0,
        AgentHealth.Stopped => 1,
        AgentHealth.Restarting => 2,
        AgentHealth.Joining or AgentHealth.Connected => 3,
        AgentHealth.Running => 4,
        _ => 5, // scores without an agent on the hub
    };

    private static int Then(int first, Key a, Key b) => first != 0 ? first : a.Vehicle.CompareTo(b.Vehicle);

    private static bool Matches(Key key, AgentEntry? agent, string? needle, OverviewFilter filter)
    {
        bool state = filter switch
        {
            OverviewFilter.Alerting => key.Rank == 0,
            OverviewFilter.AboveThreshold => key.Rank <= 1,
            OverviewFilter.Unreachable => key.Health == AgentHealth.Unreachable,
            OverviewFilter.Stopped => key.Health == AgentHealth.Stopped,
            OverviewFilter.Running => key.Health == AgentHealth.Running,
            _ => true,
        };
        if (!state || needle is null)
        {
            return state;
        }

        string number = key.Vehicle.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return number.Contains(needle, StringComparison.Ordinal)
            || $"vehicle {number}".Contains(needle, StringComparison.OrdinalIgnoreCase)
            || (agent?.Registration.AgentId.Contains(needle, StringComparison.OrdinalIgnoreCase) ?? false);
    }

    private readonly record struct Key(int Vehicle, int Rank, float Last, double Share, AgentHealth? Health);
}
