using System.Text;
using IplsCore.Configuration;
using IplsCore.Messages;
using Microsoft.Extensions.Configuration;

namespace IplsCore.Tests.Configuration;

/// <summary>How the reference's configs and payloads are read: wildcard broker address, NODE_NUMBER, numeric strings.</summary>
public class ReferenceCompatibilityTests
{
    private static AgentConfigLoad Read(IDictionary<string, string?> values, IReadOnlyDictionary<string, string>? variables = null) =>
        AgentSettingsReader.Read(new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(ReferenceConfigs.Peer)))
            .AddInMemoryCollection(values)
            .Build(), variables);

    private static Dictionary<string, string?> Token() => new() { ["fleetToken"] = "a-fleet-secret-of-some-length" };

    [Theory]
    [InlineData("0.0.0.0", "127.0.0.1")]
    [InlineData("::", "::1")]
    [InlineData("[::]", "::1")]
    [InlineData("broker.local", "broker.local")]
    [InlineData("10.0.0.5", "10.0.0.5")]
    public void AWildcardBrokerAddress_MeansThisHost(string configured, string used)
    {
        var result = Read(new Dictionary<string, string?>(Token()) { ["mqttBrokerip"] = configured });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(used, result.Settings!.Mqtt.Host);
    }

    [Fact]
    public void NodeNumber_GivesTheVehicle_WhenVehicleIsNotSet()
    {
        var result = Read(Token(), new Dictionary<string, string> { ["NODE_NUMBER"] = "2" });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(2, result.Settings!.Vehicle);
        Assert.Equal("vehicle/2", result.Settings.SensorTopic);
        Assert.Equal("v2/anomaly", result.Settings.ScoreTopic);
    }

    [Fact]
    public void NodeNumber_AndVehicle_AgreeingIsFine_DisagreeingIsAnError()
    {
        var node = new Dictionary<string, string> { ["NODE_NUMBER"] = "2" };
        var same = Read(new Dictionary<string, string?>(Token()) { ["vehicle"] = "2" }, node);
        var other = Read(new Dictionary<string, string?>(Token()) { ["vehicle"] = "3" }, node);
        var bad = Read(Token(), new Dictionary<string, string> { ["NODE_NUMBER"] = "two" });

        Assert.True(same.IsValid);
        var error = Assert.Single(other.Errors);
        Assert.Equal("vehicle", error.Key);
        Assert.Contains("NODE_NUMBER", error.Message, StringComparison.Ordinal);
        Assert.Equal("NODE_NUMBER", Assert.Single(bad.Errors).Key);
    }

    [Fact]
    public void TheGeneratorsPayload_HasNumericStrings_AsTheReferences_AndParsesBack()
    {
        float[] values = [-4.39936127f, 1.37920332f, 0.0942076f, -0.05222571f];

        string text = Encoding.UTF8.GetString(SensorPayload.WriteAsStrings(values));
        var parsed = new float[4];

        Assert.Matches("""^\{"value":\["-4\.399361\d\d","1\.379203\d\d","0\.094207\d\d","-0\.052225\d\d"\]\}$""", text);
        Assert.Equal(PayloadRejection.None, SensorPayload.TryParse(Encoding.UTF8.GetBytes(text), parsed, out _));
        Assert.Equal(values, parsed);
    }
}
