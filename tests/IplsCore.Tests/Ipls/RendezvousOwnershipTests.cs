using IplsCore.Ipls.Membership;

namespace IplsCore.Tests.Ipls;

public class RendezvousOwnershipTests
{
    private const ulong PinnedWeight = 3214863378294165791UL;

    private static readonly string[] Peers = ["peer-a", "peer-b", "peer-c", "peer-d", "peer-e"];

    [Fact]
    public void Owners_AreTheSameWhateverTheCandidateOrder()
    {
        var reversed = Peers.Reverse().ToArray();

        for (int p = 0; p < 32; p++)
        {
            Assert.Equal(RendezvousOwnership.Owners(Peers, p, 2), RendezvousOwnership.Owners(reversed, p, 2));
        }
    }

    [Fact]
    public void Owners_ReplicationIsCappedByPeerCount()
    {
        Assert.Equal(2, RendezvousOwnership.Owners(["x", "y"], 0, 3).Count);
        Assert.Empty(RendezvousOwnership.Owners([], 0, 2));
    }

    [Fact]
    public void RemovingAPeer_MovesOnlyPartitionsItOwned()
    {
        const int partitions = 256;
        var without = Peers.Where(p => p != "peer-c").ToArray();

        for (int p = 0; p < partitions; p++)
        {
            var before = RendezvousOwnership.Owners(Peers, p, 2);
            var after = RendezvousOwnership.Owners(without, p, 2);
            if (!before.Contains("peer-c"))
            {
                Assert.Equal(before, after);
            }
            else
            {
                // The survivor keeps its place; one new owner fills the gap.
                Assert.Contains(before.Single(o => o != "peer-c"), after);
            }
        }
    }

    [Fact]
    public void Ownership_IsSpreadEvenly()
    {
        var counts = Peers.ToDictionary(p => p, _ => 0);
        for (int p = 0; p < 1000; p++)
        {
            counts[RendezvousOwnership.Owners(Peers, p, 1)[0]]++;
        }

        Assert.All(counts.Values, c => Assert.InRange(c, 140, 260));
    }

    [Fact]
    public void Weight_IsStableAcrossRuns()
    {
        // Pinned so that a change of hash (which would split a mixed-version fleet) fails loudly.
        Assert.Equal(RendezvousOwnership.Weight("peer-a", 3), RendezvousOwnership.Weight("peer-a", 3));
        Assert.NotEqual(RendezvousOwnership.Weight("peer-a", 3), RendezvousOwnership.Weight("peer-a", 4));
        Assert.Equal(PinnedWeight, RendezvousOwnership.Weight("peer-a", 3));
    }
}
