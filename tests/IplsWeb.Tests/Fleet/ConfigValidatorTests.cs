using IplsWeb.Fleet;
using IplsWeb.Hosting;

namespace IplsWeb.Tests.Fleet;

public sealed class ConfigValidatorTests
{
    private readonly ConfigValidator _validator = new(new FleetSecret("dashboard-fleet-token-0123456789"));

    [Fact]
    public void TheReferenceConfig_WithoutAFleetToken_IsValid_AsTheAgentKeepsItsOwn()
    {
        var check = _validator.Validate(IplsCore.Tests.Configuration.ReferenceConfigs.Peer);

        Assert.True(check.Valid, string.Join("; ", check.Errors));
    }

    [Fact]
    public void SecretFiles_AreNotedForTheAgent_NotOpenedOnTheDashboard()
    {
        var check = _validator.Validate("{ \"vehicle\": 2, \"fleetTokenFile\": \"/run/secrets/fleet_token\", \"mqttPasswordFile\": \"/run/secrets/mqtt\" }");

        Assert.True(check.Valid, string.Join("; ", check.Errors));
        Assert.Contains(check.Warnings, w => w.Key == "fleetTokenFile" && w.Value == "/run/secrets/fleet_token");
        Assert.Contains(check.Warnings, w => w.Key == "mqttPasswordFile");
    }

    [Fact]
    public void ATokenGivenTwice_IsAnError()
    {
        var check = _validator.Validate("{ \"fleetToken\": \"a-fleet-token-of-enough-length\", \"fleetTokenFile\": \"/run/secrets/fleet_token\" }");

        Assert.False(check.Valid);
        Assert.Contains(check.Errors, e => e.Key.StartsWith("fleetToken", StringComparison.Ordinal));
    }
}

public sealed class ConfigValidatorDashboardTests
{
    [Fact]
    public void TheReferencePeerConfig_IsValid_ButWarnsThatItPointsAwayFromThisDashboard()
    {
        var validator = new ConfigValidator(new FleetSecret("dashboard-fleet-token-0123456789"), new DashboardOptions { MqttPort = 1883 });

        var check = validator.Validate(IplsCore.Tests.Configuration.ReferenceConfigs.Peer);

        Assert.True(check.Valid, string.Join("; ", check.Errors));
        Assert.Contains(check.Warnings, w => w.Key == "mqttBrokerip" && w.Value == "0.0.0.0");
        Assert.Contains(check.Warnings, w => w.Key == "mqttPort" && w.Message.Contains("1883", StringComparison.Ordinal));
        Assert.Contains(check.Warnings, w => w.Key == "modelPath" && w.Value == "/workspace/ad_ipls_params");
    }
}
