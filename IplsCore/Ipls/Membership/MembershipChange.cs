namespace IplsCore.Ipls.Membership;

public enum MembershipChangeKind
{
    Joined,
    Left,
    TimedOut,
    Restarted,
}

/// <summary>A member joined, left gracefully, timed out, or came back with a new incarnation.</summary>
public readonly record struct MembershipChange(MembershipChangeKind Kind, string Member, PeerRole Role);
