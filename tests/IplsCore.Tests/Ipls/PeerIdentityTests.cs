using IplsCore.Ipls;
using IplsCore.Persistence;
using IplsCore.Transport.Simulation;

namespace IplsCore.Tests.Ipls;

public sealed class PeerIdentityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ipls-id-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void LoadOrCreate_KeepsTheIdAndRaisesTheIncarnationOnEveryStart()
    {
        var time = new SimulatedNetwork(1).Time;
        string path = Path.Combine(_dir, "identity.json");

        var first = PeerIdentity.LoadOrCreate(path, null, time);
        var second = PeerIdentity.LoadOrCreate(path, null, time);
        var third = PeerIdentity.LoadOrCreate(path, null, time);

        Assert.StartsWith("peer-", first.Id, StringComparison.Ordinal);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Id, third.Id);
        Assert.True(second.Incarnation > first.Incarnation);
        Assert.True(third.Incarnation > second.Incarnation);
    }

    [Fact]
    public void LoadOrCreate_LostFile_StillGetsANewerIncarnationFromTheClock()
    {
        var network = new SimulatedNetwork(1);
        string path = Path.Combine(_dir, "identity.json");
        var before = PeerIdentity.LoadOrCreate(path, "vehicle-1", network.Time);

        File.Delete(path);
        network.RunFor(TimeSpan.FromSeconds(1));
        var after = PeerIdentity.LoadOrCreate(path, "vehicle-1", network.Time);

        Assert.Equal("vehicle-1", after.Id);
        Assert.True(after.Incarnation > before.Incarnation);
    }

    [Fact]
    public void LoadOrCreate_FileOfAnotherPeer_IsRefused()
    {
        var time = new SimulatedNetwork(1).Time;
        string path = Path.Combine(_dir, "identity.json");
        PeerIdentity.LoadOrCreate(path, "vehicle-1", time);

        Assert.Throws<InvalidOperationException>(() => PeerIdentity.LoadOrCreate(path, "vehicle-2", time));
    }

    [Fact]
    public void LoadOrCreate_CorruptFile_SaysWhichFile()
    {
        string path = Path.Combine(_dir, "identity.json");
        File.WriteAllText(path, "{not json");

        var ex = Assert.Throws<ModelFormatException>(() => PeerIdentity.LoadOrCreate(path, null, TimeProvider.System));

        Assert.StartsWith("identity.json: ", ex.Message, StringComparison.Ordinal);
    }
}
