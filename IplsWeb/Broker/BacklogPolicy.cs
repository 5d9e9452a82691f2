using IplsWeb.Hosting;

namespace IplsWeb.Broker;

/// <summary>
/// Decides from periodic backlog readings whether publishers should be held. Hold while some subscriber
/// that is still draining has more than <see cref="BrokerOptions.HoldPublishersAbove"/> waiting; resume
/// once every such subscriber is under <see cref="BrokerOptions.ResumeBelow"/>. A subscriber that sent
/// nothing for <see cref="BrokerOptions.StallAfter"/> no longer counts, so it cannot hold everyone back.
/// </summary>
public sealed class BacklogPolicy(BrokerOptions options)
{
    private readonly Dictionary<string, Entry> _clients = new(StringComparer.Ordinal);
    private readonly List<string> _gone = [];

    public bool Holding { get; private set; }

    /// <summary>The deepest backlog among subscribers that still count.</summary>
    public long Deepest { get; private set; }

    /// <summary>Takes one reading of every connected client; returns those that became stalled with it (for reporting).</summary>
    public IReadOnlyList<string> Observe(IEnumerable<SubscriberBacklog> readings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(readings);
        List<string>? newlyStalled = null;
        long deepest = 0;
        foreach (var entry in _clients.Values)
        {
            entry.Seen = false;
        }

        foreach (var reading in readings)
        {
            if (!_clients.TryGetValue(reading.ClientId, out var entry))
            {
                entry = new Entry { Sent = reading.Sent, LastProgress = now };
                _clients[reading.ClientId] = entry;
            }

            entry.Seen = true;
            if (reading.Sent != entry.Sent || reading.Pending == 0)
            {
                entry.Sent = reading.Sent;
                entry.LastProgress = now;
                entry.Stalled = false;
            }
            else if (!entry.Stalled && now - entry.LastProgress >= options.StallAfter)
            {
                entry.Stalled = true;
                (newlyStalled ??= []).Add(reading.ClientId);
            }

            if (!entry.Stalled)
            {
                deepest = Math.Max(deepest, reading.Pending);
            }
        }

        // Disconnected clients are forgotten, so a reconnect starts with a clean record.
        _gone.Clear();
        _gone.AddRange(_clients.Where(c => !c.Value.Seen).Select(c => c.Key));
        foreach (string id in _gone)
        {
            _clients.Remove(id);
        }

        Deepest = deepest;
        Holding = Holding ? deepest >= options.ResumeBelow : deepest > options.HoldPublishersAbove;
        return newlyStalled ?? (IReadOnlyList<string>)[];
    }

    private sealed class Entry
    {
        public long Sent { get; set; }

        public DateTimeOffset LastProgress { get; set; }

        public bool Stalled { get; set; }

        public bool Seen { get; set; }
    }
}
