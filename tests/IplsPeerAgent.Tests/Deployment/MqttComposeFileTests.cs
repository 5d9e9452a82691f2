using IplsCore.Configuration;
using System.Text.Json;
using IplsCore.Ipls;

namespace IplsPeerAgent.Tests.Deployment;

/// <summary>
/// docker-compose.mqtt.yml, the fleet without IPFS that scripts/container-check.sh brings up: the
/// dashboard, the bootstrapper and two vehicles, each with its device-local mosquitto bridged to the
/// dashboard's broker; every agent's IPLS_* environment is a config the agent's own reader accepts.
/// </summary>
public sealed class MqttComposeFileTests : IAsyncLifetime
{
    private const string File = "docker-compose.mqtt.yml";

    private Secrets _secrets = null!;

    public async Task InitializeAsync() => _secrets = await Secrets.MakeAsync();

    public Task DisposeAsync()
    {
        _secrets.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Services_AreTheDashboardTheBootstrapperAndTwoVehiclesEachWithItsOwnBroker_AndNoKubo()
    {
        if (ComposeProject.Program() is not { } compose)
        {
            return;
        }

        (await ComposeProject.RunFilesAsync(compose, _secrets.EnvFile, [File], "config", "-q")).AssertSuccess("docker-compose config -q (mqtt)");
        using var config = await ComposeProject.ConfigAsync(compose, _secrets.EnvFile, [File]);
        var services = config.RootElement.GetProperty("services");

        Assert.Equal(
            new[] { "bootstrapper", "dashboard", "mosquitto-v1", "mosquitto-v2", "vehicle1", "vehicle2" },
            services.EnumerateObject().Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("kubo", config.RootElement.GetRawText(), StringComparison.OrdinalIgnoreCase);
        var dashboard = services.GetProperty("dashboard");
        Assert.Equal(["broker_password", "dashboard_admin_password", "fleet_token", "identity_key"], SecretsOf(dashboard));
        Assert.Equal("ipls", dashboard.GetProperty("environment").GetProperty("Dashboard__BrokerUsername").GetString()); // the operator

        foreach (string name in new[] { "bootstrapper", "vehicle1", "vehicle2" })
        {
            var service = services.GetProperty(name);
            Assert.Equal("20s", service.GetProperty("stop_grace_period").GetString());
            // Each agent holds its own vehicle's broker credential only (the bootstrapper is vehicle 900).
            string vehicle = name == "bootstrapper" ? "900" : name["vehicle".Length..];
            Assert.Equal(["fleet_token", $"vehicle_{vehicle}_credential"], SecretsOf(service));
            Assert.Equal("/var/lib/ipls", service.GetProperty("volumes")[0].GetString()!.Split(':')[1]);
            var settings = AgentEnvironment.Read(service.GetProperty("environment"), _secrets, name);
            Assert.Equal($"vehicle-{vehicle}", settings.Mqtt.Username);
            Assert.Equal(_secrets.Read($"vehicle_{vehicle}_credential").Trim(), settings.Mqtt.Password);
            Assert.Equal(IplsTransportKind.Mqtt, settings.Transport);
            Assert.Equal(new Uri("http://dashboard:5601/"), settings.DashboardUrl);
            Assert.Equal(_secrets.Read("fleet_token").Trim(), settings.FleetToken);
            if (name == "bootstrapper")
            {
                Assert.Equal(PeerRole.Bootstrapper, settings.Role);
                Assert.Equal(900, settings.Vehicle);
                Assert.Equal("dashboard", settings.Mqtt.Host);
            }
            else
            {
                string n = name["vehicle".Length..];
                Assert.Equal(PeerRole.Peer, settings.Role);
                Assert.Equal(int.Parse(n, System.Globalization.CultureInfo.InvariantCulture), settings.Vehicle);
                Assert.True(settings.Generator.Enabled);
                // Its own broker, which bridges to the dashboard: the vehicle keeps working without it.
                Assert.Equal($"mosquitto-v{n}", settings.Mqtt.Host);
                Assert.Equal("service_healthy", service.GetProperty("depends_on").GetProperty($"mosquitto-v{n}").GetProperty("condition").GetString());
            }
        }
    }

    [Fact]
    public async Task DeviceBrokers_RunNonRoot_RenderTheirBridgeFromTheEnvironment_AndReadThePasswordFromASecretFile()
    {
        if (ComposeProject.Program() is not { } compose)
        {
            return;
        }

        using var config = await ComposeProject.ConfigAsync(compose, _secrets.EnvFile, [File]);
        var services = config.RootElement.GetProperty("services");
        foreach (string n in new[] { "1", "2" })
        {
            var broker = services.GetProperty($"mosquitto-v{n}");
            Assert.Equal("1883:1883", broker.GetProperty("user").GetString());
            Assert.Equal([$"vehicle_{n}_credential"], SecretsOf(broker));
            Assert.Contains("render-conf.sh", string.Join(' ', broker.GetProperty("entrypoint").EnumerateArray().Select(e => e.GetString())), StringComparison.Ordinal);
            var environment = broker.GetProperty("environment");
            Assert.Equal(n, environment.GetProperty("VEHICLE").GetString());
            Assert.Equal("dashboard", environment.GetProperty("DASHBOARD_MQTT_HOST").GetString());
            // The bridge signs in as its vehicle, with the vehicle's own credential (not the operator's).
            Assert.Equal($"vehicle-{n}", environment.GetProperty("BRIDGE_USERNAME").GetString());
            Assert.Equal($"/run/secrets/vehicle_{n}_credential", environment.GetProperty("BRIDGE_PASSWORD_FILE").GetString());
            Assert.True(broker.TryGetProperty("healthcheck", out _));
            Assert.False(broker.TryGetProperty("ports", out _)); // the device's broker is not published here
        }
    }

    [Fact]
    public async Task SecretValues_AreNotInTheResolvedConfiguration_AndSecretFilesDefaultToDeploySecrets()
    {
        if (ComposeProject.Program() is not { } compose)
        {
            return;
        }

        var resolved = await ComposeProject.RunFilesAsync(compose, _secrets.EnvFile, [File], "config");
        resolved.AssertSuccess("docker-compose config (mqtt)");
        Assert.All(_secrets.Values(), v => Assert.DoesNotContain(v, resolved.Stdout, StringComparison.Ordinal));
        using var config = await ComposeProject.ConfigAsync(compose, _secrets.EnvFile, [File]);
        Assert.All(
            config.RootElement.GetProperty("secrets").EnumerateObject(),
            s => Assert.StartsWith(Path.Combine(Cli.RepositoryPaths.Root, "deploy", "secrets") + "/", s.Value.GetProperty("file").GetString(), StringComparison.Ordinal));
    }

    private static string[] SecretsOf(JsonElement service) =>
        [.. service.GetProperty("secrets").EnumerateArray().Select(s => s.GetProperty("source").GetString()!).Order(StringComparer.Ordinal)];
}
