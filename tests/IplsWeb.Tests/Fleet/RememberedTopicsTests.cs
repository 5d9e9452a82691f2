using IplsCore.Control;
using IplsCore.Ipls;
using IplsCore.Messages;
using IplsWeb.Fleet;
using IplsWeb.Tests.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace IplsWeb.Tests.Fleet;

/// <summary>The custom topics agents announced, kept in the data directory across restarts (a cache: a bad file costs nothing but the head start).</summary>
public sealed class RememberedTopicsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ipls-topics-").FullName;
    private readonly RecordingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;

    public RememberedTopicsTests() => _loggers = LoggerFactory.Create(b => b.AddProvider(_logs));

    public void Dispose()
    {
        _loggers.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string FilePath => Path.Combine(_dir, RememberedTopics.FileName);

    private FleetState Start()
    {
        var fleet = new FleetState(new FakeTimeProvider());
        RememberedTopics.Attach(fleet, _dir, _loggers.CreateLogger<RememberedTopics>());
        return fleet;
    }

    private static AgentRegistration Agent(string id, int vehicle, VehicleTopics? topics) =>
        new(id, vehicle, PeerRole.Peer, "1", "linux", "arm64", "h", "{}") { Topics = topics };

    [Fact]
    public void TopicsAnAgentAnnounces_ResolveInTheNextRun_UntilItRegistersWithOthers()
    {
        var first = Start();
        first.OnRegistered(Agent("custom-8", 8, new VehicleTopics(8, "plant/8/sensors", "plant/8/scores", "plant/8/generator")), "c-8");
        first.OnRegistered(Agent("plain-3", 3, VehicleTopics.Default(3)), "c-3"); // reference topics: nothing to keep

        var second = Start();
        Assert.True(second.TryResolveTopic("plant/8/scores", out int vehicle, out var kind));
        Assert.Equal((8, VehicleTopicKind.Score), (vehicle, kind));
        Assert.True(second.TryResolveTopic("plant/8/sensors", out _, out var sensors));
        Assert.Equal(VehicleTopicKind.Sensor, sensors);
        Assert.Equal(["plant/8/generator", "plant/8/scores", "plant/8/sensors"], second.CustomTopics.Select(t => t.Topic));
        Assert.Contains(_logs.Lines, l => l.Contains("[5701] Remembered 3 custom topics", StringComparison.Ordinal));

        // The agent comes back on the reference topics: its old ones are forgotten, in this run and the next.
        second.OnRegistered(Agent("custom-8", 8, VehicleTopics.Default(8)), "c-8b");
        Assert.False(second.TryResolveTopic("plant/8/scores", out _, out _));
        Assert.Empty(Start().CustomTopics);
    }

    [Fact]
    public void AnUnreadableFile_IsSaidOnce_AndTheTopicsAreLearntAgain()
    {
        File.WriteAllText(FilePath, "{ not json");

        var fleet = Start();

        Assert.Empty(fleet.CustomTopics);
        string warning = Assert.Single(_logs.Lines, l => l.Contains("[5702]", StringComparison.Ordinal));
        Assert.StartsWith("Warning", warning, StringComparison.Ordinal);
        Assert.Contains(FilePath, warning, StringComparison.Ordinal);
        fleet.OnRegistered(Agent("custom-8", 8, new VehicleTopics(8, "vehicle/8", "plant/8/scores", "vehicle/8/generator")), "c-8");
        Assert.Equal(["plant/8/scores"], Start().CustomTopics.Select(t => t.Topic)); // rewritten whole
    }

    [Fact]
    public void BadEntries_AreSkippedAndCounted_TheGoodOnesKept()
    {
        File.WriteAllText(FilePath, """
            [
              { "topic": "plant/8/scores", "vehicle": 8, "kind": "score", "agentId": "custom-8" },
              { "topic": "plant/+/scores", "vehicle": 9, "kind": "score", "agentId": "wildcard" },
              { "topic": "plant/10/scores", "vehicle": 10, "kind": "weather", "agentId": "custom-10" },
              { "topic": "plant/11/scores", "vehicle": "eleven", "kind": "score", "agentId": "custom-11" },
              "plant/12/scores"
            ]
            """);

        var fleet = Start();

        Assert.Equal(["plant/8/scores"], fleet.CustomTopics.Select(t => t.Topic));
        Assert.Contains(_logs.Lines, l => l.Contains("[5701] Remembered 1 custom topics", StringComparison.Ordinal) && l.Contains("(4 unreadable entries skipped)", StringComparison.Ordinal));
    }
}
