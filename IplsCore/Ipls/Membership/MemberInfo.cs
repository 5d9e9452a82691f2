namespace IplsCore.Ipls.Membership;

/// <summary>What we know of one live member.</summary>
public sealed record MemberInfo(string Id, PeerRole Role, long Incarnation, DateTimeOffset LastSeen, DateTimeOffset JoinedAt);
