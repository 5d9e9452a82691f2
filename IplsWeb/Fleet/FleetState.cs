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
public sealed class FleetState
{
    private readonly TimeProvider _time;

    public FleetState(TimeProvider time)
    {
        _time = time;
        Alerts.Changed += OnAlert;
    }

    public const int ScoreWindowSize = 4 * 60 * 5; // five minutes at 4 Hz
    public const int EventsKept = 1000;
    public const int LogLinesKept = 300;

    private readonly ConcurrentDictionary<string, AgentEntry> _agents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, VehicleState> _vehicles = new();
    private readonly ConcurrentDictionary<string, CustomTopic> _customTopics = new(StringComparer.Ordinal);
    private readonly Lock _topicsGate = new();
    private readonly Queue<FleetEvent> _events = new();
    private readonly Lock _eventGate = new();
    private long _version;
    private double _threshold = AnomalyThreshold.Default;

    /// <summary>Raised for each new event (also written to history).</summary>
    public event Action<FleetEvent>? EventRaised;

    /// <summary>Raised when the fleet's threshold changes (charts move their line).</summary>
    public event Action<double>? ThresholdChanged;

    /// <summary>Raised when an alert opens or resolves (the history keeps it).</summary>
    public event Action<Alert>? AlertChanged;

    /// <summary>Raised for each score received (the history writer queues it).</summary>
    public event Action<int, ScorePoint>? ScoreAdded;

    /// <summary>Raised when the custom topics agents announced change (they are kept across restarts).</summary>
    public event Action? CustomTopicsChanged;

    /// <summary>Raised for every change, on the writer's thread: handlers only take note (components render on their own throttle).</summary>
    public event Action<FleetChange>? Changed;

    /// <summary>Grows with every change.</summary>
    public long Version => Interlocked.Read(ref _version);

    public double Threshold
    {
        get => Volatile.Read(ref _threshold);
        set
        {
            if (Interlocked.Exchange(ref _threshold, value) != value)
            {
                ThresholdChanged?.Invoke(value);
                Touch(new FleetChange(FleetChangeKind.Threshold));
            }
        }
    }

    public IReadOnlyCollection<AgentEntry> Agents => [.. _agents.Values.OrderBy(a => a.Registration.Vehicle).ThenBy(a => a.Registration.AgentId, StringComparer.Ordinal)];

    public IReadOnlyCollection<VehicleState> Vehicles => [.. _vehicles.Values.OrderBy(v => v.Vehicle)];

    public AgentEntry? Agent(string id) => _agents.GetValueOrDefault(id);

    public VehicleState Vehicle(int vehicle)
    {
        if (_vehicles.TryGetValue(vehicle, out var state))
        {
            return state;
        }

        state = _vehicles.GetOrAdd(vehicle, v => new VehicleState(v, ScoreWindowSize));
        Touch(new FleetChange(FleetChangeKind.VehicleAdded, vehicle));
        return state;
    }

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

    /// <summary>Anomaly episodes, one alert per episode per vehicle (instead of an event per crossing).</summary>
    public AlertTracker Alerts { get; } = new();

    public FleetEvent[] Events()
    {
        lock (_eventGate)
        {
            return [.. _events.Reverse()];
        }
    }

    public void OnRegistered(AgentRegistration registration, string connectionId)
    {
        var now = _time.GetUtcNow();
        bool known = _agents.TryGetValue(registration.AgentId, out var existing);
        var entry = _agents.GetOrAdd(registration.AgentId, _ => new AgentEntry(registration));
        string? oldHash = known ? existing!.Registration.ConfigHash : null;
        bool again = known && existing!.ConnectionId == connectionId; // the same link after a config change
        entry.Registration = registration;
        entry.ConnectionId = connectionId;
        entry.LastSeen = now;
        entry.Gone = null;
        LearnTopics(registration);
        if (!again)
        {
            Raise(FleetEventKind.Joined, registration.AgentId, $"{registration.Role.Name()} for vehicle {registration.Vehicle}, {registration.Version} on {registration.Architecture}");
        }

        if (oldHash is not null && oldHash != registration.ConfigHash)
        {
            Raise(FleetEventKind.ConfigChanged, registration.AgentId, $"config {oldHash} → {registration.ConfigHash}");
        }

        Touch(new FleetChange(FleetChangeKind.Agent, registration.Vehicle, registration.AgentId));
    }

    public void OnStatus(AgentStatusReport status)
    {
        if (!_agents.TryGetValue(status.AgentId, out var entry))
        {
            return; // not registered over this hub: ignore
        }

        var previous = entry.Status;
        var now = _time.GetUtcNow();
        entry.Status = status;
        entry.LastSeen = now;
        entry.StoppedSince = status.State == AgentRunState.Stopped ? entry.StoppedSince ?? now : null;
        long model = status.Partitions.Sum(p => p.Version);
        if (model != entry.ModelVersion)
        {
            entry.ModelVersion = model;
            entry.ModelChangedAt = now;
        }

        if (previous is not null && status.RoundsDone > previous.RoundsDone)
        {
            entry.LearnedAt = now;
        }

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

        Touch(new FleetChange(FleetChangeKind.Agent, status.Vehicle, status.AgentId));
    }

    public void OnLogs(string agentId, IReadOnlyList<AgentLogLine> lines)
    {
        if (_agents.TryGetValue(agentId, out var entry))
        {
            entry.AddLogs(lines, LogLinesKept);
            Touch(new FleetChange(FleetChangeKind.Agent, entry.Registration.Vehicle, agentId));
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
            string why = left ? "left (stopped on purpose)" : "connection lost without a goodbye";
            entry.Gone = (_time.GetUtcNow(), why);
            Touch(new FleetChange(FleetChangeKind.Agent, entry.Registration.Vehicle, entry.Registration.AgentId));
            Raise(left ? FleetEventKind.Left : FleetEventKind.Lost, entry.Registration.AgentId, why);
        }
    }

    public void OnScore(int vehicle, float score, long atUnixMs)
    {
        var point = new ScorePoint(atUnixMs, score);
        if (!Vehicle(vehicle).AddScore(point, Threshold))
        {
            return; // a QoS 1 redelivery: shown, counted, alerted on and stored the first time
        }

        ScoreAdded?.Invoke(vehicle, point);
        Alerts.OnScore(vehicle, score, atUnixMs, Threshold);
        Touch(new FleetChange(FleetChangeKind.Score, vehicle));
    }

    public void OnSensor(int vehicle, float[] values, long atUnixMs)
    {
        Vehicle(vehicle).SetSensor(values, atUnixMs);
        Touch(new FleetChange(FleetChangeKind.Sensor, vehicle));
    }

    public void Raise(FleetEventKind kind, string subject, string detail)
    {
        var e = new FleetEvent(_time.GetUtcNow(), kind, subject, detail);
        lock (_eventGate)
        {
            _events.Enqueue(e);
            while (_events.Count > EventsKept)
            {
                _events.Dequeue();
            }
        }

        Touch(new FleetChange(FleetChangeKind.Event));
        EventRaised?.Invoke(e);
    }

    private void OnAlert(Alert alert)
    {
        string subject = $"vehicle {alert.Vehicle}";
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        if (alert.State == AlertState.Firing)
        {
            Raise(FleetEventKind.AlertFiring, subject, string.Format(culture, "anomaly alert opened: smoothed score above {0:F3} (score {1:F3})", alert.Threshold, alert.Peak));
        }
        else
        {
            Raise(FleetEventKind.AlertResolved, subject, string.Format(culture, "anomaly alert resolved after {0:F0} s, peak {1:F3}", alert.Duration(alert.ResolvedAt!.Value).TotalSeconds, alert.Peak));
        }

        Touch(new FleetChange(FleetChangeKind.Alert, alert.Vehicle));
        AlertChanged?.Invoke(alert);
    }

    /// <summary>Marks an agent as restarting while a restart or config apply is on its way, or done.</summary>
    public void SetRestarting(string agentId, bool restarting)
    {
        if (_agents.TryGetValue(agentId, out var entry))
        {
            entry.RestartingSince = restarting ? _time.GetUtcNow() : null;
            Touch(new FleetChange(FleetChangeKind.Agent, entry.Registration.Vehicle, agentId));
        }
    }

    private void Touch(FleetChange change)
    {
        Interlocked.Increment(ref _version);
        Changed?.Invoke(change);
    }

    /// <summary>The custom topics registered agents announced (those not in the reference format), by topic.</summary>
    public CustomTopic[] CustomTopics => [.. _customTopics.Values.OrderBy(t => t.Topic, StringComparer.Ordinal)];

    /// <summary>
    /// Custom topics known from before a restart: a topic resolves to its vehicle at once, before its
    /// agent registers again (what the broker queued meanwhile is not lost). A registration replaces them.
    /// </summary>
    public void RememberTopics(IEnumerable<CustomTopic> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        foreach (var topic in topics)
        {
            _customTopics.TryAdd(topic.Topic, topic);
        }
    }

    private void LearnTopics(AgentRegistration registration)
    {
        bool changed = false;
        lock (_topicsGate)
        {
            var announced = new List<CustomTopic>(3);
            if (registration.Topics is { } topics)
            {
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
                        announced.Add(new CustomTopic(topic, topics.Vehicle, kind, registration.AgentId));
                    }
                }
            }

            foreach (var known in _customTopics.Values)
            {
                if (known.AgentId == registration.AgentId && !announced.Contains(known))
                {
                    changed |= _customTopics.TryRemove(known.Topic, out _);
                }
            }

            foreach (var topic in announced)
            {
                if (!_customTopics.TryGetValue(topic.Topic, out var held) || held != topic)
                {
                    _customTopics[topic.Topic] = topic;
                    changed = true;
                }
            }
        }

        if (changed)
        {
            CustomTopicsChanged?.Invoke();
        }
    }
}
