using IplsCore.Ipls;
using IplsCore.Ipls.Membership;

namespace IplsCore.Tests.Ipls;

public class MembershipViewTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Observe_NewMember_Joins_AndTimesOutAfterSilence()
    {
        var view = new MembershipView("self", PeerRole.Peer, TimeSpan.FromSeconds(5));

        var joined = view.Observe("other", PeerRole.Peer, 1, T0);
        var early = view.Expire(T0.AddSeconds(4));
        var late = view.Expire(T0.AddSeconds(6));

        Assert.Equal(MembershipChangeKind.Joined, joined!.Value.Kind);
        Assert.Empty(early);
        Assert.Equal(MembershipChangeKind.TimedOut, Assert.Single(late).Kind);
        Assert.False(view.Contains("other"));
    }

    [Fact]
    public void Leave_RemovesAtOnce_AndDelayedMessagesOfThatIncarnationDoNotResurrect()
    {
        var view = new MembershipView("self", PeerRole.Peer, TimeSpan.FromSeconds(5));
        view.Observe("other", PeerRole.Peer, 7, T0);

        var left = view.Leave("other", 7);
        var late = view.Observe("other", PeerRole.Peer, 7, T0.AddSeconds(1));
        var restarted = view.Observe("other", PeerRole.Peer, 8, T0.AddSeconds(2));

        Assert.Equal(MembershipChangeKind.Left, left!.Value.Kind);
        Assert.Null(late);
        Assert.Equal(MembershipChangeKind.Joined, restarted!.Value.Kind);
    }

    [Fact]
    public void Observe_HigherIncarnation_IsARestart()
    {
        var view = new MembershipView("self", PeerRole.Peer, TimeSpan.FromSeconds(5));
        view.Observe("other", PeerRole.Peer, 1, T0);

        var change = view.Observe("other", PeerRole.Peer, 2, T0.AddSeconds(1));

        Assert.Equal(MembershipChangeKind.Restarted, change!.Value.Kind);
    }

    [Fact]
    public void WithRole_IncludesSelfAndSortsById()
    {
        var view = new MembershipView("m", PeerRole.Peer, TimeSpan.FromSeconds(5));
        view.Observe("z", PeerRole.Peer, 1, T0);
        view.Observe("a", PeerRole.Peer, 1, T0);
        view.Observe("boot", PeerRole.Bootstrapper, 1, T0);

        Assert.Equal(["a", "m", "z"], view.WithRole(PeerRole.Peer));
        Assert.Equal(["boot"], view.WithRole(PeerRole.Bootstrapper));
    }
}
