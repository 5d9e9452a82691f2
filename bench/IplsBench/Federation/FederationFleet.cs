using IplsCore.Engine;
using IplsCore.Ipls;
using IplsCore.Ipls.Node;
using IplsCore.Ipls.Simulation;
using IplsCore.Ipls.Wire;
using IplsCore.Scaling;
using IplsCore.Training;
using IplsCore.Transport.Simulation;

namespace IplsBench.Federation;

/// <summary>A fleet of simulated vehicles sharing in one <see cref="SharingMode"/> on the simulated network, in virtual time.</summary>
internal sealed class FederationFleet
{
    private static readonly MessageCodec Codec = MessageCodec.FromToken("federation-benchmark-fleet-secret");
    private readonly DenseNetwork _initial;
    private readonly MinMaxScaler _scaler;
    private readonly int _seed;
    private readonly CentralAggregator? _central;
    private readonly Dictionary<string, long> _incarnations = new(StringComparer.Ordinal);

    public FederationFleet(SharingMode mode, int partitions, int seed, DenseNetwork initial, MinMaxScaler scaler, LearningOptions learning, IplsOptions aggregation, SimulatedNetworkOptions? network = null)
    {
        Mode = mode;
        Learning = learning;
        _initial = initial;
        _scaler = scaler;
        _seed = seed;
        Options = aggregation with { FleetId = "bench", Partitions = partitions, Replication = 2, };
        Network = new SimulatedNetwork(seed, network);
        if (mode == SharingMode.Centralized)
        {
            _central = new CentralAggregator(initial.Parameters.ToArray(), aggregation.AggregationStep, aggregation.ServerMomentum);
        }

        Network.Schedule(DemoTiming.SampleInterval, SampleTick);
    }

    public SharingMode Mode { get; }

    public LearningOptions Learning { get; }

    public IplsOptions Options { get; }

    public SimulatedNetwork Network { get; }

    public List<SimulatedVehicle> Vehicles { get; } = [];

    public DateTimeOffset Now => Network.Now;

    public SimulatedVehicle this[int index] => Vehicles[index];

    public SimulatedVehicle AddVehicle()
    {
        string id = $"v{Vehicles.Count + 1}";
        IFleetLink link = Mode switch
        {
            SharingMode.Isolated => new IsolatedLink(),
            SharingMode.Centralized => new CentralLink(_central!),
            _ => new IplsLink(new SimulatedNodeHost(Network, NewNode(id)), () => Network.Now),
        };
        var vehicle = new SimulatedVehicle(id, _initial, _scaler, Options.Partitions, _seed * 1000 + Vehicles.Count, link, Learning);
        Vehicles.Add(vehicle);
        return vehicle;
    }

    /// <summary>Kills a vehicle's agent without goodbye (its IPLS node included).</summary>
    public static void Crash(SimulatedVehicle vehicle)
    {
        vehicle.Running = false;
        if (vehicle.Link is IplsLink link)
        {
            link.Host.Crash();
        }
    }

    public void Run(TimeSpan duration) => Network.RunFor(duration);

    /// <summary>Runs until <paramref name="done"/> holds (checked every second) or <paramref name="cap"/> passes.</summary>
    public void RunUntil(Func<bool> done, TimeSpan cap)
    {
        var end = Network.Now + cap;
        while (Network.Now < end && !done())
        {
            Network.RunFor(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>True when every running IPLS node holds the same version of every partition.</summary>
    public bool Converged()
    {
        long[]? reference = null;
        foreach (var vehicle in Vehicles)
        {
            if (!vehicle.Running || vehicle.Link is not IplsLink link)
            {
                continue;
            }

            var versions = link.Host.Node.Versions;
            if (reference is null)
            {
                reference = versions.ToArray();
            }
            else if (!versions.SequenceEqual(reference))
            {
                return false;
            }
        }

        return true;
    }

    public IEnumerable<IplsNode> Nodes => Vehicles.Where(v => v.Link is IplsLink).Select(v => ((IplsLink)v.Link).Host.Node);

    private IplsNode NewNode(string id)
    {
        long incarnation = _incarnations.GetValueOrDefault(id) + 1;
        _incarnations[id] = incarnation;
        return new IplsNode(Options, id, PeerRole.Peer, incarnation, Codec, _initial.Parameters, seed: _seed);
    }

    private void SampleTick()
    {
        var now = Network.Now;
        foreach (var vehicle in Vehicles)
        {
            vehicle.OnSample(now);
        }

        _central?.Apply();
        Network.Schedule(DemoTiming.SampleInterval, SampleTick);
    }
}
