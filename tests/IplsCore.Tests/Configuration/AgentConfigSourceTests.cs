using System.Text;
using IplsCore.Configuration;

namespace IplsCore.Tests.Configuration;

public sealed class AgentConfigSourceTests
{
    private static readonly Dictionary<string, string?> Inherited = new() { ["fleetToken"] = "inherited-token-0123456789", ["mqttPassword"] = "inherited-pass" };

    [Fact]
    public void InheritedKeys_FillOnlyWhatTheDocumentLeavesOut()
    {
        var load = new AgentConfigSource().Load(Encoding.UTF8.GetBytes("{ \"vehicle\": 3, \"mqttPassword\": \"own-pass\" }"), "config", Inherited);

        Assert.True(load.IsValid, string.Join("; ", load.Errors));
        Assert.Equal("inherited-token-0123456789", load.Settings!.FleetToken);
        Assert.Equal("own-pass", load.Settings.Mqtt.Password);
    }

    [Fact]
    public void ADocumentWithoutAToken_AndNothingInherited_IsRefused()
    {
        var load = new AgentConfigSource().Load(Encoding.UTF8.GetBytes("{ \"vehicle\": 3 }"), "config");

        Assert.False(load.IsValid);
        Assert.Contains(load.Errors, e => e.Key == "fleetToken");
    }

    [Fact]
    public void ATokenFileInTheDocument_IsNotMixedWithAnInheritedToken()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "token-from-a-file-0123456789");
            string json = "{ \"vehicle\": 3, \"fleetTokenFile\": " + System.Text.Json.JsonSerializer.Serialize(file) + " }";
            var load = new AgentConfigSource().Load(Encoding.UTF8.GetBytes(json), "config", Inherited);

            Assert.True(load.IsValid, string.Join("; ", load.Errors));
            Assert.Equal("token-from-a-file-0123456789", load.Settings!.FleetToken);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
