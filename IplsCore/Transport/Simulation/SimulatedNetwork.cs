using System.Security.Cryptography;

namespace IplsCore.Transport.Simulation;

/// <summary>
/// A deterministic, in-process publish/subscribe network with a content store, run as a
/// discrete-event simulation in virtual time. Events run in (time, sequence) order on the thread
/// that calls <see cref="RunUntil"/>, and all randomness comes from one seeded generator, so a
/// seed reproduces a run exactly. Faults: loss, delay and jitter (reordering), duplication, a split
/// between groups of nodes, and crash/restart of a node under the same id.
/// </summary>
public sealed class SimulatedNetwork
{
    private readonly PriorityQueue<Action, (long Ticks, long Sequence)> _events = new();
    private readonly Dictionary<string, SimulatedEndpoint> _endpoints = new(StringComparer.Ordinal);
    // Subscribers per topic, ordered by id so delivery (and the random draws per delivery) never depend on hashing.
    private readonly Dictionary<string, SortedDictionary<string, SimulatedEndpoint>> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _content = new(StringComparer.Ordinal);
    private readonly Random _random;
    private SimulatedNetworkOptions _options;
    private HashSet<string>? _splitGroupA;
    private HashSet<string>? _splitGroupB;
    private long _sequence;

    /// <summary>
    /// Held while events run and by <see cref="SimulatedTransport"/> calls from other threads, so async
    /// code can share the network with the thread that drives time. Re-entrant: handlers publish.
    /// </summary>
    internal object Gate { get; } = new();

    public SimulatedNetwork(int seed, SimulatedNetworkOptions? options = null, DateTimeOffset? start = null)
    {
        _random = new Random(seed);
        _options = options ?? new SimulatedNetworkOptions();
        _options.Validate();
        Now = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Time = new VirtualTimeProvider(this);
    }

    // Ticks in a long so other threads (async code on virtual time) never read a torn value.
    private long _nowTicks;

    public DateTimeOffset Now
    {
        get => new(Volatile.Read(ref _nowTicks), TimeSpan.Zero);
        private set => Volatile.Write(ref _nowTicks, value.UtcTicks);
    }

    public VirtualTimeProvider Time { get; }

    public SimulatedNetworkOptions Options
    {
        get => _options;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            _options = value;
        }
    }

    /// <summary>Events processed so far.</summary>
    public long EventsProcessed { get; private set; }

    /// <summary>Attaches a node; messages on its subscribed topics are handed to <paramref name="onMessage"/> at their delivery time.</summary>
    public SimulatedEndpoint Attach(string nodeId, Action<string, byte[]> onMessage)
    {
        ArgumentNullException.ThrowIfNull(nodeId);
        ArgumentNullException.ThrowIfNull(onMessage);
        if (_endpoints.ContainsKey(nodeId))
        {
            throw new InvalidOperationException($"Node '{nodeId}' is already attached; crash and restart it instead.");
        }

        var endpoint = new SimulatedEndpoint(this, nodeId, onMessage);
        _endpoints[nodeId] = endpoint;
        return endpoint;
    }

    public SimulatedEndpoint Endpoint(string nodeId) => _endpoints[nodeId];

    /// <summary>The node stops dead: it receives nothing, its pending timers and deliveries are void, its subscriptions are gone.</summary>
    public void Crash(string nodeId)
    {
        var endpoint = _endpoints[nodeId];
        endpoint.Up = false;
        endpoint.Incarnation++;
        foreach (string topic in endpoint.Subscriptions)
        {
            _topics[topic].Remove(nodeId);
        }

        endpoint.Subscriptions.Clear();
    }

    /// <summary>Brings a crashed node back under the same id with a new message handler (its new process).</summary>
    public SimulatedEndpoint Restart(string nodeId, Action<string, byte[]> onMessage)
    {
        var endpoint = _endpoints[nodeId];
        if (endpoint.Up)
        {
            throw new InvalidOperationException($"Node '{nodeId}' is running.");
        }

        endpoint.Up = true;
        endpoint.Handler = onMessage;
        return endpoint;
    }

    /// <summary>Drops every message between a node of one group and a node of the other until <see cref="Heal"/>.</summary>
    public void Split(IEnumerable<string> groupA, IEnumerable<string> groupB)
    {
        _splitGroupA = new HashSet<string>(groupA, StringComparer.Ordinal);
        _splitGroupB = new HashSet<string>(groupB, StringComparer.Ordinal);
    }

    public void Heal()
    {
        _splitGroupA = null;
        _splitGroupB = null;
    }

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/> of virtual time.</summary>
    public void Schedule(TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        lock (Gate)
        {
            var at = Now + (delay < TimeSpan.Zero ? TimeSpan.Zero : delay);
            _events.Enqueue(action, (at.UtcTicks, _sequence++));
        }
    }

    /// <summary>Like <see cref="Schedule"/>, but void if the node crashes before it fires.</summary>
    public void ScheduleFor(string nodeId, TimeSpan delay, Action action)
    {
        var endpoint = _endpoints[nodeId];
        long incarnation = endpoint.Incarnation;
        Schedule(delay, () =>
        {
            if (endpoint.Up && endpoint.Incarnation == incarnation)
            {
                action();
            }
        });
    }

    public void RunFor(TimeSpan duration) => RunUntil(Now + duration);

    /// <summary>Processes every event due up to <paramref name="until"/>, then sets the clock to it.</summary>
    public void RunUntil(DateTimeOffset until)
    {
        lock (Gate)
        {
            while (_events.TryPeek(out _, out var key) && key.Ticks <= until.UtcTicks)
            {
                var action = _events.Dequeue();
                Now = new DateTimeOffset(key.Ticks, TimeSpan.Zero);
                EventsProcessed++;
                action();
            }

            if (until > Now)
            {
                Now = until;
            }
        }
    }

    /// <summary>An <see cref="IIplsTransport"/> for async code (agents in tests) on an attached node.</summary>
    public SimulatedTransport CreateTransport(string nodeId, int receiveCapacity = 4096) => new(this, nodeId, receiveCapacity);

    internal void Publish(SimulatedEndpoint sender, string topic, byte[] payload)
    {
        CheckSize(payload.Length);
        if (!sender.Up)
        {
            sender.Stats.DroppedWhileDown++;
            return;
        }

        sender.Stats.MessagesSent++;
        sender.Stats.BytesSent += payload.Length;
        if (!_topics.TryGetValue(topic, out var subscribers))
        {
            return;
        }

        foreach (var receiver in subscribers.Values)
        {
            if (ReferenceEquals(receiver, sender))
            {
                continue;
            }

            if (Separated(sender.Id, receiver.Id))
            {
                receiver.Stats.DroppedBySplit++;
                continue;
            }

            if (_random.NextDouble() < _options.LossRate)
            {
                receiver.Stats.DroppedByLoss++;
                continue;
            }

            Deliver(receiver, topic, payload);
            if (_random.NextDouble() < _options.DuplicateRate)
            {
                receiver.Stats.Duplicated++;
                Deliver(receiver, topic, payload);
            }
        }
    }

    internal void Subscribe(SimulatedEndpoint endpoint, string topic)
    {
        if (!_topics.TryGetValue(topic, out var set))
        {
            set = new SortedDictionary<string, SimulatedEndpoint>(StringComparer.Ordinal);
            _topics[topic] = set;
        }

        set[endpoint.Id] = endpoint;
    }

    internal void Unsubscribe(SimulatedEndpoint endpoint, string topic)
    {
        if (_topics.TryGetValue(topic, out var set))
        {
            set.Remove(endpoint.Id);
        }
    }

    internal string PutContent(SimulatedEndpoint endpoint, byte[] content)
    {
        CheckSize(content.Length);
        if (!endpoint.Up)
        {
            throw new InvalidOperationException($"Node '{endpoint.Id}' is down.");
        }

        string id = Convert.ToHexStringLower(SHA256.HashData(content));
        _content[id] = content;
        return id;
    }

    internal bool TryGetContent(SimulatedEndpoint endpoint, string id, out byte[] content)
    {
        content = [];
        return endpoint.Up && _content.TryGetValue(id, out content!);
    }

    private void Deliver(SimulatedEndpoint receiver, string topic, byte[] payload)
    {
        var delay = _options.Delay + (_options.Jitter * _random.NextDouble());
        long incarnation = receiver.Incarnation;
        Schedule(delay, () =>
        {
            if (!receiver.Up || receiver.Incarnation != incarnation || !receiver.Subscriptions.Contains(topic))
            {
                receiver.Stats.DroppedWhileDown++;
                return;
            }

            receiver.Stats.MessagesReceived++;
            receiver.Stats.BytesReceived += payload.Length;
            receiver.Handler(topic, payload);
        });
    }

    private bool Separated(string a, string b) =>
        _splitGroupA is not null && _splitGroupB is not null
        && ((_splitGroupA.Contains(a) && _splitGroupB.Contains(b)) || (_splitGroupB.Contains(a) && _splitGroupA.Contains(b)));

    private void CheckSize(int length)
    {
        if (length > _options.MaxPayloadBytes)
        {
            throw new ArgumentException($"Payload of {length} bytes exceeds the {_options.MaxPayloadBytes}-byte limit.");
        }
    }
}
