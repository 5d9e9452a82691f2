using IplsCore.Configuration;
using Microsoft.Extensions.Configuration;

namespace IplsCore.Tests.Configuration;

/// <summary>fleetTokenFile and mqttPasswordFile: secrets read from files (container secrets), never echoed.</summary>
public sealed class SecretFileTests : IDisposable
{
    private const string Token = "a-fleet-secret-from-a-file";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ipls-secret-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string content)
    {
        string path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static AgentConfigLoad Read(Dictionary<string, string?> values) =>
        AgentSettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    [Fact]
    public void FleetTokenFile_IsRead_WithoutItsFinalNewline()
    {
        string path = Write("fleet_token", Token + "\n");

        var result = Read(new() { ["fleetTokenFile"] = path });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(Token, result.Settings!.FleetToken);
    }

    [Fact]
    public void FleetTokenFile_AndFleetToken_Together_IsAnError()
    {
        string path = Write("fleet_token", Token);

        var result = Read(new() { ["fleetTokenFile"] = path, ["fleetToken"] = "another-fleet-secret-inline" });

        var error = Assert.Single(result.Errors);
        Assert.Equal("fleetTokenFile", error.Key);
        Assert.Contains("not both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FleetTokenFile_Missing_IsOneErrorNamingTheKeyAndPath()
    {
        string path = Path.Combine(_dir.FullName, "absent");

        var result = Read(new() { ["fleetTokenFile"] = path });

        var error = Assert.Single(result.Errors);
        Assert.Equal("fleetTokenFile", error.Key);
        Assert.Equal(path, error.Value);
        Assert.StartsWith("cannot read the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FleetTokenFile_TooShortOrEmpty_IsAnError_AndTheContentIsNotEchoed()
    {
        var shortOne = Read(new() { ["fleetTokenFile"] = Write("short", "tiny-secret\n") });
        var empty = Read(new() { ["fleetTokenFile"] = Write("empty", "\n") });

        var error = Assert.Single(shortOne.Errors);
        Assert.Equal("fleetTokenFile", error.Key);
        Assert.Equal("***********", error.Value);
        Assert.DoesNotContain("tiny", error.ToString(), StringComparison.Ordinal);
        var emptyError = Assert.Single(empty.Errors);
        Assert.Equal("the file is empty", emptyError.Message);
    }

    [Fact]
    public void MqttPasswordFile_IsRead_AndConflictsWithAnInlinePassword()
    {
        string path = Write("broker_password", "broker-pass\n");

        var fromFile = Read(new() { ["fleetToken"] = Token, ["mqttUsername"] = "ipls", ["mqttPasswordFile"] = path });
        var both = Read(new() { ["fleetToken"] = Token, ["mqttPassword"] = "x", ["mqttPasswordFile"] = path });

        Assert.True(fromFile.IsValid, string.Join("; ", fromFile.Errors));
        Assert.Equal(new MqttSettings("localhost", 1883, "ipls", "broker-pass"), fromFile.Settings!.Mqtt);
        Assert.Equal("mqttPasswordFile", Assert.Single(both.Errors).Key);
    }
}
