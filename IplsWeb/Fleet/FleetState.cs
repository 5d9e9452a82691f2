using System.Collections.Concurrent;
using IplsCore.Control;
using IplsCore.Engine;
using IplsCore.Ipls;
using IplsCore.Messages;

namespace IplsWeb.Fleet;

/// <summary>
/// The dashboard's live picture of the fleet, in memory: agents (from the hub), vehicles (scores and
/// sensor data straight from the embedded broker) and recent events. Writers are the broker and the
/// hub; pages read snapshots and re-render on their own timer, never per message.
/// </summary>
public sealed class FleetState(TimeProvider time)
{
    public const int ScoreWindowSize = 4 * 60 * 5; // five minutes at 4 Hz
    public const int EventsKept = 1000;
    public const int LogLinesKept = 300;

    private readonly ConcurrentDictionary<string, AgentEntry> _agents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, VehicleState> _vehicles = new();
    private readonly ConcurrentDictionary<string, (int Vehicle, VehicleTopicKind Kind, string AgentId)> _customTopics = new(StringComparer.Ordinal);
    private readonly Queue<FleetEvent> _events = new();
    private readonly Lock _eventGate = new();
    private long _version;
    private double _threshold = AnomalyThreshold.Default;

    /// <summary>Raised for each new event (also written to history).</summary>
    public event Action<FleetEvent>? EventRaised;

    /// <summary>Raised for each score received (the history writer queues it).</summary>
    public event Action<int, ScorePoint>? ScoreAdded;

    /// <summary>Grows with every change; pages compare it to skip needless renders.</summary>
    public long Version => Interlocked.Read(ref _version);

    public double Threshold
    {
        get => Volatile.Read(ref _threshold);
        set => Volatile.Write(ref _threshold, value);
    }

    public IReadOnlyCollection<AgentEntry> Agents => [.. _agents.Values.OrderBy(a => a.Registration.Vehicle).ThenBy(a => a.Registration.AgentId, StringComparer.Ordinal)];

    public IReadOnlyCollection<VehicleState> Vehicles => [.. _vehicles.Values.OrderBy(v => v.Vehicle)];

    public AgentEntry? Agent(string id) => _agents.GetValueOrDefault(id);

    public VehicleState Vehicle(int vehicle) => _vehicles.GetOrAdd(vehicle, v => new VehicleState(v, ScoreWindowSize));

    public AgentEntry? AgentForVehicle(int vehicle) => _agents.Values.FirstOrDefault(a => a.Registration.Vehicle == vehicle && a.Registration.Role == PeerRole.Peer);

    /// <summary>
    /// Which vehicle a broker topic belongs to: a custom topic a registered agent announced, or one in
    /// the reference format (<see cref="VehicleTopics.TryParseDefault"/>).
    /// </summary>
    public bool TryResolveTopic(string topic, out int vehicle, out VehicleTopicKind kind)
    {
        if (_customTopics.TryGetValue(topic, out var custom))
        {
            (vehicle, kind) = (custom.Vehicle, custom.Kind);
            return true;
        }

        return VehicleTopics.TryParseDefault(topic, out vehicle, out kind);
    }

    public FleetEvent[] Events()
    {
        lock (_eventGate)
        {
            return [.. _events.Reverse()];
        }
    }

    public void OnRegistered(AgentRegistration registration, string connectionId)
    {
        var now = time.GetUtcNow();
        bool known = _agents.TryGetValue(registration.AgentId, out var existing);
        var entry = _agents.GetOrAdd(registration.AgentId, _ => new AgentEntry(registration));
        string? oldHash = known ? existing!.Registration.ConfigHash : null;
        entry.Registration = registration;
        entry.ConnectionId = connectionId;
        entry.LastSeen = now;
        LearnTopics(registration);
        Raise(FleetEventKind.Joined, registration.AgentId, $"{registration.Role.Name()} for vehicle {registration.Vehicle}, {registration.Version} on {registration.Architecture}");
        if (oldHash is not null && oldHash != registration.ConfigHash)
        {
            Raise(FleetEventKind.ConfigChanged, registration.AgentId, $"config {oldHash} → {registration.ConfigHash}");
        }
    }

    public void OnStatus(AgentStatusReport status)
    {
        if (!_agents.TryGetValue(status.AgentId, out var entry))
        {
            return; // not registered over this hub: ignore
        }

        var previous = entry.Status;
        entry.Status = status;
        entry.LastSeen = time.GetUtcNow();
        if (previous?.GeneratorMode is { } before && status.GeneratorMode is { } after && before != after)
        {
            Raise(FleetEventKind.ModeSwitched, status.AgentId, $"generator {before} → {after}");
        }

        foreach (var (kind, count) in status.Rejected)
        {
            // The agent's own baseline first: a restarted dashboard has no previous report to compare.
            long was = status.RejectedBefore?.GetValueOrDefault(kind) ?? previous?.Rejected.GetValueOrDefault(kind) ?? 0;
            if (count > was)
            {
                Raise(FleetEventKind.Rejected, status.AgentId, $"{count - was} × {kind} (total {count})");
            }
        }

        Touch();
    }

    public void OnLogs(string agentId, IReadOnlyList<AgentLogLine> lines)
    {
        if (_agents.TryGetValue(agentId, out var entry))
        {
            entry.AddLogs(lines, LogLinesKept);
            Touch();
        }
    }

    public void OnLeaving(string agentId, string connectionId)
    {
        if (_agents.TryGetValue(agentId, out var entry) && entry.ConnectionId == connectionId)
        {
            entry.LeavingConnectionId = connectionId;
        }
    }

    /// <summary>"Left" when the agent said so first; otherwise (kill -9, crash, cut link, even a clean close) "Lost".</summary>
    public void OnDisconnected(string connectionId)
    {
        foreach (var entry in _agents.Values.Where(a => a.ConnectionId == connectionId))
        {
            entry.ConnectionId = null;
            bool left = entry.LeavingConnectionId == connectionId;
            entry.LeavingConnectionId = null;
            Raise(left ? FleetEventKind.Left : FleetEventKind.Lost, entry.Registration.AgentId, left ? "left (stopped on purpose)" : "connection lost without a goodbye");
        }
    }

    public void OnScore(int vehicle, float score, long atUnixMs)
    {
        var point = new ScorePoint(atUnixMs, score);
        ScoreAdded?.Invoke(vehicle, point);
        if (Vehicle(vehicle).AddScore(point, Threshold))
        {
            Raise(FleetEventKind.ThresholdCrossed, $"vehicle {vehicle}", $"score {score:F3} above {Threshold:F3}");
        }

        Touch();
    }

    public void OnSensor(int vehicle, float[] values, long atUnixMs)
    {
        Vehicle(vehicle).SetSensor(values, atUnixMs);
        Touch();
    }

    public void Raise(FleetEventKind kind, string subject, string detail)
    {
        var e = new FleetEvent(time.GetUtcNow(), kind, subject, detail);
        lock (_eventGate)
        {
            _events.Enqueue(e);
            while (_events.Count > EventsKept)
            {
                _events.Dequeue();
            }
        }

        Touch();
        EventRaised?.Invoke(e);
    }

    private void LearnTopics(AgentRegistration registration)
    {
        foreach (var (topic, known) in _customTopics)
        {
            if (known.AgentId == registration.AgentId)
            {
                _customTopics.TryRemove(topic, out _);
            }
        }

        if (registration.Topics is not { } topics)
        {
            return;
        }

        var defaults = VehicleTopics.Default(topics.Vehicle);
        foreach (var (topic, kind, standard) in new[]
        {
            (topics.Sensor, VehicleTopicKind.Sensor, defaults.Sensor),
            (topics.Score, VehicleTopicKind.Score, defaults.Score),
            (topics.Generator, VehicleTopicKind.Generator, defaults.Generator),
        })
        {
            if (topic != standard)
            {
                _customTopics[topic] = (topics.Vehicle, kind, registration.AgentId);
            }
        }
    }

    private void Touch() => Interlocked.Increment(ref _version);
}
