using IplsCore.Configuration;
using IplsCore.Ipls;

namespace IplsCore.Tests.Ipls;

public class IplsOptionsTests
{
    [Fact]
    public void WithReferenceKeys_MapsPartitionsMinPeersAndSynchronous()
    {
        var options = new IplsOptions().WithReferenceKeys(iplsModelPartitions: 16, iplsMinPartitions: 2, iplsMinPeers: 3, peerDataisSynchronous: true);

        Assert.Equal(16, options.Partitions);
        Assert.Equal(3, options.MinPeers);
        Assert.True(options.Synchronous);
        Assert.Equal(2, options.Replication); // unchanged: R is ours, not the reference's
    }

    [Fact]
    public void WithReferenceKeys_NullsKeepCurrentValues()
    {
        var options = new IplsOptions { Partitions = 5 }.WithReferenceKeys(null, null, null, null);

        Assert.Equal(5, options.Partitions);
    }

    [Theory]
    [InlineData(0, 2, "Partitions")]
    [InlineData(8, 0, "Replication")]
    [InlineData(9000, 2, "Partitions")]
    public void Validate_OutOfRange_NamesKeyAndValue(int partitions, int replication, string key)
    {
        var options = new IplsOptions { Partitions = partitions, Replication = replication };

        var ex = Assert.Throws<ConfigurationException>(() => options.Validate(5844));

        Assert.Equal(key, ex.Key);
        Assert.Contains(key == "Partitions" ? partitions.ToString(System.Globalization.CultureInfo.InvariantCulture) : replication.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Topics_AreNamespacedByFleet()
    {
        var options = new IplsOptions { FleetId = "north" };

        // The transport adds its own prefix (MQTT: "ipls/").
        Assert.Equal("north/control", options.ControlTopic);
        Assert.Equal("north/model", options.ModelTopic);
        Assert.Equal("north/delta/3", options.DeltaTopic(3));
    }
}
