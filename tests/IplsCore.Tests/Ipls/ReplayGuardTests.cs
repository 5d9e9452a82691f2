using IplsCore.Ipls.Membership;

namespace IplsCore.Tests.Ipls;

public class ReplayGuardTests
{
    [Fact]
    public void Accept_NewSequences_AndReordered_ButNotDuplicates()
    {
        var guard = new ReplayGuard();

        Assert.True(guard.Accept("a", 1, 5));
        Assert.True(guard.Accept("a", 1, 7));
        Assert.True(guard.Accept("a", 1, 6)); // reordered
        Assert.False(guard.Accept("a", 1, 6)); // duplicate
        Assert.False(guard.Accept("a", 1, 7));
        Assert.True(guard.Accept("b", 1, 6)); // other sender
    }

    [Fact]
    public void Accept_OlderThanWindow_IsRejected()
    {
        var guard = new ReplayGuard();
        guard.Accept("a", 1, 100);

        Assert.False(guard.Accept("a", 1, 100 - ReplayGuard.WindowSize));
        Assert.True(guard.Accept("a", 1, 100 - ReplayGuard.WindowSize + 1));
    }

    [Fact]
    public void Accept_NewIncarnation_ResetsAndOldIncarnationIsRejected()
    {
        var guard = new ReplayGuard();
        guard.Accept("a", 1, 500);

        Assert.True(guard.Accept("a", 2, 1)); // restarted peer
        Assert.False(guard.Accept("a", 1, 501)); // replay from before the restart
        Assert.Equal(2, guard.IncarnationOf("a"));
    }
}
