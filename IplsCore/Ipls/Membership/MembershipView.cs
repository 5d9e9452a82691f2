namespace IplsCore.Ipls.Membership;

/// <summary>
/// The live membership as one node sees it: members heard from within the failure timeout, minus
/// those that left. Pure state, driven with explicit timestamps so tests and simulations control time.
/// </summary>
public sealed class MembershipView
{
    private readonly Dictionary<string, MemberInfo> _members = new(StringComparer.Ordinal);

    // Incarnations that said goodbye; delayed messages of theirs must not bring them back.
    private readonly Dictionary<string, long> _departed = new(StringComparer.Ordinal);

    public MembershipView(string self, PeerRole selfRole, TimeSpan failureTimeout)
    {
        Self = PeerIdRules.Validate(self);
        SelfRole = selfRole;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(failureTimeout, TimeSpan.Zero);
        FailureTimeout = failureTimeout;
    }

    public string Self { get; }

    public PeerRole SelfRole { get; }

    public TimeSpan FailureTimeout { get; }

    /// <summary>Increments on every change, so callers can cache derived data (ownership).</summary>
    public long Epoch { get; private set; }

    public IReadOnlyCollection<MemberInfo> Members => _members.Values;

    public bool Contains(string id) => id == Self || _members.ContainsKey(id);

    public MemberInfo? Get(string id) => _members.GetValueOrDefault(id);

    /// <summary>Records that an authenticated message arrived from <paramref name="id"/>.</summary>
    public MembershipChange? Observe(string id, PeerRole role, long incarnation, DateTimeOffset now)
    {
        if (id == Self)
        {
            return null;
        }

        if (_departed.TryGetValue(id, out long gone))
        {
            if (incarnation <= gone)
            {
                return null;
            }

            _departed.Remove(id);
        }

        if (_members.TryGetValue(id, out var known))
        {
            if (incarnation < known.Incarnation)
            {
                return null;
            }

            bool restarted = incarnation > known.Incarnation || role != known.Role;
            _members[id] = known with { Role = role, Incarnation = incarnation, LastSeen = now };
            if (restarted)
            {
                Epoch++;
                return new MembershipChange(MembershipChangeKind.Restarted, id, role);
            }

            return null;
        }

        _members[id] = new MemberInfo(id, role, incarnation, now, now);
        Epoch++;
        return new MembershipChange(MembershipChangeKind.Joined, id, role);
    }

    /// <summary>A graceful leave: removed at once.</summary>
    public MembershipChange? Leave(string id, long incarnation)
    {
        _departed[id] = incarnation;
        if (_members.Remove(id, out var info))
        {
            Epoch++;
            return new MembershipChange(MembershipChangeKind.Left, id, info.Role);
        }

        return null;
    }

    /// <summary>Drops members silent for longer than the failure timeout.</summary>
    public IReadOnlyList<MembershipChange> Expire(DateTimeOffset now)
    {
        List<MembershipChange>? changes = null;
        foreach (var member in _members.Values)
        {
            if (now - member.LastSeen > FailureTimeout)
            {
                (changes ??= []).Add(new MembershipChange(MembershipChangeKind.TimedOut, member.Id, member.Role));
            }
        }

        if (changes is null)
        {
            return [];
        }

        foreach (var change in changes)
        {
            _members.Remove(change.Member);
        }

        Epoch++;
        return changes;
    }

    /// <summary>Live members of a role, self included when it has that role, sorted by id.</summary>
    public IReadOnlyList<string> WithRole(PeerRole role)
    {
        var ids = new List<string>();
        if (SelfRole == role)
        {
            ids.Add(Self);
        }

        foreach (var member in _members.Values)
        {
            if (member.Role == role)
            {
                ids.Add(member.Id);
            }
        }

        ids.Sort(StringComparer.Ordinal);
        return ids;
    }
}
