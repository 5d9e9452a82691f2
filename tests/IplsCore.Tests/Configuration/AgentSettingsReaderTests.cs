using System.Text;
using System.Text.Json;
using IplsCore.Configuration;
using IplsCore.Data;
using IplsCore.Ipls;
using Microsoft.Extensions.Configuration;

namespace IplsCore.Tests.Configuration;

public class AgentSettingsReaderTests
{
    private const string ReferencePeer = ReferenceConfigs.Peer;

    private const string ReferenceBootstrapper = """
        {
            "modelPath" : "/workspace/ad_ipls_params", "scalerPath" : "/workspace/scaler",
            "mqttProtocol" : "", "mqttBrokerip" : "0.0.0.0", "mqttPort" : "7883",
            "mqttSubTopic" : "", "mqttPubTopic" : "",
            "ipfsAddress" : "/ip4/127.0.0.1/tcp/5001", "ipfsBootstrapperAddresses": [], "ipfsBootstrapperIds" : [],
            "iplsIsBootstrapper" : "true", "peerDataisSynchronous" : "false",
            "epochs" : "1", "learningRate" : "0", "iplsModelPartitions" : "8", "iplsMinPartitions" : "2",
            "iplsMinPeers" : "1", "updateFrequency" : 0, "stabilityCount" : 0
        }
        """;

    private static readonly Dictionary<string, string?> Ours = new()
    {
        ["vehicle"] = "3",
        ["fleetToken"] = "a-fleet-secret-of-some-length",
    };

    private static IConfiguration Build(string json, IDictionary<string, string?>? overrides = null) =>
        new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .AddInMemoryCollection(overrides ?? Ours) // stands for environment variables and the command line
            .Build();

    [Fact]
    public void ReferencePeerConfig_Unchanged_IsAccepted()
    {
        var result = AgentSettingsReader.Read(Build(ReferencePeer));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var s = result.Settings!;
        Assert.Equal(PeerRole.Peer, s.Role);
        Assert.Equal(3, s.Vehicle);
        Assert.Equal("vehicle/3", s.SensorTopic);
        Assert.Equal("v3/anomaly", s.ScoreTopic);
        Assert.Equal(new MqttSettings("127.0.0.1", 7883, null, null), s.Mqtt); // the reference's 0.0.0.0 means this host
        Assert.Equal(3, s.Cadence.Epochs);
        Assert.Equal(0.001f, s.Cadence.LearningRate);
        Assert.Equal(32, s.Cadence.UpdateFrequency);
        Assert.Equal(5, s.Cadence.WarmUpRounds);
        Assert.Equal(8, s.Ipls.Partitions);
        Assert.Equal(1, s.Ipls.MinPeers);
        Assert.False(s.Ipls.Synchronous);
        Assert.Equal("/workspace/ad_ipls_params", s.ModelPath);
        Assert.Empty(s.IpfsBootstrapperAddresses); // unfilled placeholders, and not needed over MQTT
        Assert.Empty(AgentSettingsReader.UnknownKeys(JsonDocument.Parse(ReferencePeer).RootElement));
    }

    [Fact]
    public void ReferenceBootstrapperConfig_Unchanged_IsAccepted()
    {
        var result = AgentSettingsReader.Read(Build(ReferenceBootstrapper));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(PeerRole.Bootstrapper, result.Settings!.Role);
        Assert.Equal(0f, result.Settings.Cadence.LearningRate);
        Assert.Equal("vehicle/3", result.Settings.SensorTopic);
    }

    [Fact]
    public void Placeholders_AreFilledFromVariables_AndRequiredWhenTheKeyIsUsed()
    {
        var variables = new Dictionary<string, string> { ["BOOTSTRAPPER_ADDRESS"] = "/ip4/10.0.0.1/tcp/4001", ["BOOTSTRAPPER_PEERID"] = "12D3Koo" };
        var filled = AgentSettingsReader.Read(Build(ReferencePeer), variables);
        var ipfsWithout = AgentSettingsReader.Read(Build(ReferencePeer, new Dictionary<string, string?>(Ours) { ["transport"] = "ipfs" }));

        Assert.Equal(["/ip4/10.0.0.1/tcp/4001"], filled.Settings!.IpfsBootstrapperAddresses);
        Assert.False(ipfsWithout.IsValid);
        Assert.Contains(ipfsWithout.Errors, e => e.Key == "ipfsBootstrapperAddresses:0" && e.Message.Contains("BOOTSTRAPPER_ADDRESS", StringComparison.Ordinal));
    }

    [Fact]
    public void IpfsTransport_ChecksTheApiAddressAndBootstrappers_MqttIgnoresThem()
    {
        var variables = new Dictionary<string, string> { ["BOOTSTRAPPER_ADDRESS"] = "/dns4/kubo-boot/tcp/4001", ["BOOTSTRAPPER_PEERID"] = "12D3KooWLYpE4mJQqT4WsmxkSDhnLPwiYsywoYxG9GaNN6KWhvSj" };
        var ipfs = new Dictionary<string, string?>(Ours) { ["transport"] = "ipfs", ["ipfsAddress"] = "/dns4/kubo-peer1/tcp/5001" };
        var good = AgentSettingsReader.Read(Build(ReferencePeer, ipfs), variables);
        var badAddress = AgentSettingsReader.Read(Build(ReferencePeer, new Dictionary<string, string?>(ipfs) { ["ipfsAddress"] = "/ip4/127.0.0.1/udp/5001" }), variables);
        var badId = AgentSettingsReader.Read(Build(ReferencePeer, ipfs), new Dictionary<string, string>(variables) { ["BOOTSTRAPPER_PEERID"] = "12D3Koo" });
        var mqtt = AgentSettingsReader.Read(Build(ReferencePeer, new Dictionary<string, string?>(Ours) { ["ipfsAddress"] = "/ip4/127.0.0.1/udp/5001" }), variables);

        Assert.True(good.IsValid, string.Join("; ", good.Errors));
        Assert.Equal("/dns4/kubo-peer1/tcp/5001", good.Settings!.IpfsAddress);
        var addressError = Assert.Single(badAddress.Errors);
        Assert.Equal("ipfsAddress", addressError.Key);
        Assert.Contains("/udp is not supported", addressError.Message, StringComparison.Ordinal);
        Assert.Equal("ipfsBootstrapperIds:0", Assert.Single(badId.Errors).Key);
        Assert.True(mqtt.IsValid, string.Join("; ", mqtt.Errors));
    }

    [Fact]
    public void NumbersAsJsonNumbersOrStrings_MeanTheSame()
    {
        var asStrings = AgentSettingsReader.Read(Build("""{ "epochs": "7", "learningRate": "0.01", "iplsIsBootstrapper": "true" }"""));
        var asNumbers = AgentSettingsReader.Read(Build("""{ "epochs": 7, "learningRate": 0.01, "iplsIsBootstrapper": true }"""));

        Assert.Equal(asStrings.Settings!.Cadence, asNumbers.Settings!.Cadence);
        Assert.Equal(asStrings.Settings.Role, asNumbers.Settings.Role);
    }

    [Fact]
    public void Overrides_FromEnvironmentOrCommandLine_WinOverTheFile()
    {
        var overrides = new Dictionary<string, string?>(Ours) { ["epochs"] = "9", ["generator:enabled"] = "true", ["generator:mode"] = "anomaly" };

        var result = AgentSettingsReader.Read(Build(ReferencePeer, overrides));

        Assert.Equal(9, result.Settings!.Cadence.Epochs);
        Assert.True(result.Settings.Generator.Enabled);
        Assert.Equal(GeneratorMode.Anomaly, result.Settings.Generator.Mode);
    }

    [Fact]
    public void InvalidValues_AreAllReported_WithKeyValueAndAllowedRange()
    {
        const string json = """{ "epochs": "-1", "learningRate": "fast", "mqttPort": 70000, "iplsModelPartitions": "0", "role": "king", "dashboardUrl": "ftp://x" }""";

        var result = AgentSettingsReader.Read(Build(json));

        Assert.False(result.IsValid);
        Assert.Null(result.Settings);
        Assert.Equal(6, result.Errors.Count);
        Assert.Contains(result.Errors, e => e.ToString() == "epochs = \"-1\": must be between 1 and 1000");
        Assert.Contains(result.Errors, e => e.ToString() == "learningRate = \"fast\": must be a number between 0 and 1");
        Assert.Contains(result.Errors, e => e.Key == "mqttPort" && e.Value == "70000");
        Assert.Contains(result.Errors, e => e.Key == "iplsModelPartitions");
        Assert.Contains(result.Errors, e => e.ToString() == "role = \"king\": must be one of peer, bootstrapper");
        Assert.Contains(result.Errors, e => e.Key == "dashboardUrl");
    }

    [Fact]
    public void MissingOrShortFleetToken_IsAnError_AndTheValueIsNotEchoed()
    {
        var result = AgentSettingsReader.Read(Build("{}", new Dictionary<string, string?> { ["fleetToken"] = "short" }));

        var error = Assert.Single(result.Errors);
        Assert.Equal("fleetToken", error.Key);
        Assert.Equal("*****", error.Value);
    }

    [Fact]
    public void RoleContradictingTheReferenceFlag_IsAnError()
    {
        var result = AgentSettingsReader.Read(Build("""{ "iplsIsBootstrapper": "true", "role": "peer" }"""));

        Assert.Contains(result.Errors, e => e.Key == "role" && e.Message.Contains("iplsIsBootstrapper", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownKeys_AreWarningsNotErrors()
    {
        const string json = """{ "epochz": 3, "generator": { "enabled": true, "rate": 4 } }""";

        var warnings = AgentSettingsReader.UnknownKeys(JsonDocument.Parse(json).RootElement);
        var result = AgentSettingsReader.Read(Build(json));

        Assert.Equal(["epochz", "generator:rate"], warnings.Select(w => w.Key));
        Assert.True(result.IsValid);
    }
}
