using IplsCore.Messages;

namespace IplsCore.Tests.Messages;

public sealed class VehicleTopicsTests
{
    [Theory]
    [InlineData("v7/anomaly", 7, VehicleTopicKind.Score)]
    [InlineData("vehicle/12", 12, VehicleTopicKind.Sensor)]
    [InlineData("vehicle/3/generator", 3, VehicleTopicKind.Generator)]
    public void DefaultTopics_ParseToTheirVehicleAndKind(string topic, int vehicle, VehicleTopicKind kind)
    {
        Assert.True(VehicleTopics.TryParseDefault(topic, out int parsed, out var parsedKind));
        Assert.Equal((vehicle, kind), (parsed, parsedKind));
    }

    [Theory]
    [InlineData("v0/anomaly")]
    [InlineData("v-1/anomaly")]
    [InlineData("vx/anomaly")]
    [InlineData("vehicle/")]
    [InlineData("vehicle/1/other")]
    [InlineData("ipls/fleet/control")]
    public void OtherTopics_AreNotVehicleTopics(string topic) =>
        Assert.False(VehicleTopics.TryParseDefault(topic, out _, out _));

    [Fact]
    public void DefaultFormat_RoundTrips_AndCustomTopicsMatchOnlyTheirOwnVehicle()
    {
        var defaults = VehicleTopics.Default(5);
        Assert.Equal(("vehicle/5", "v5/anomaly", "vehicle/5/generator"), (defaults.Sensor, defaults.Score, defaults.Generator));
        Assert.True(VehicleTopics.TryParseDefault(defaults.Score, out int vehicle, out _));
        Assert.Equal(5, vehicle);

        var custom = defaults with { Score = "plant/line-3/score" };
        Assert.True(custom.TryMatch("plant/line-3/score", out var kind));
        Assert.Equal(VehicleTopicKind.Score, kind);
        Assert.False(custom.TryMatch("v5/anomaly", out _));
    }
}
