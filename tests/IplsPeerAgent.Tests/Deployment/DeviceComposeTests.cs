using IplsCore.Ipls;

namespace IplsPeerAgent.Tests.Deployment;

/// <summary>deploy/device/: one device's Kubo node and agent, as a vehicle and (with the override) as the bootstrapper.</summary>
public sealed class DeviceComposeTests : IAsyncLifetime
{
    private const string Device = "deploy/device/compose.yml";
    private const string Bootstrapper = "deploy/device/compose.bootstrapper.yml";

    private Secrets _secrets = null!;
    private string _envFile = string.Empty;

    public async Task InitializeAsync()
    {
        _secrets = await Secrets.MakeAsync();

        // The example settings, pointed at this test's secrets and bootstrap identity.
        var lines = File.ReadAllLines(Path.Combine(Cli.RepositoryPaths.Root, "deploy/device/device.env.example"))
            .Where(l => !l.StartsWith("IPLS_SECRETS_DIR=", StringComparison.Ordinal))
            .Select(l => l.Replace("12D3KooWRWADNo2mDhkXG6yU8iSzzbwnUwcBS9d7qv8KrjKf7UyR", _secrets.BootstrapPeerId, StringComparison.Ordinal))
            .Append($"IPLS_SECRETS_DIR={_secrets.SecretsDirectory}");
        _envFile = _secrets.PathOf("device.env");
        await File.WriteAllLinesAsync(_envFile, lines);

        // As docs/deployment.md provisions a device: its own vehicle's credential, as vehicle_credential.
        File.Copy(_secrets.PathOf("vehicle_1_credential"), _secrets.PathOf("vehicle_credential"));
    }

    public Task DisposeAsync()
    {
        _secrets.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Vehicle_ValidatesAndConfiguresAPeerOfItsOwnKuboNode()
    {
        if (ComposeProject.Program() is not { } compose)
        {
            return;
        }

        (await ComposeProject.RunFilesAsync(compose, _envFile, [Device], "config", "-q")).AssertSuccess("docker-compose config -q (device)");
        using var config = await ComposeProject.ConfigAsync(compose, _envFile, [Device]);
        var services = config.RootElement.GetProperty("services");

        var settings = AgentEnvironment.Read(services.GetProperty("agent").GetProperty("environment"), _secrets, "agent");
        Assert.Equal(PeerRole.Peer, settings.Role);
        Assert.Equal(1, settings.Vehicle);
        Assert.Equal(new IplsCore.Configuration.MqttSettings("192.168.1.20", 1883, "vehicle-1", _secrets.Read("vehicle_1_credential").Trim()), settings.Mqtt);
        Assert.Equal(["fleet_token", "vehicle_credential"], services.GetProperty("agent").GetProperty("secrets").EnumerateArray().Select(s => s.GetProperty("source").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("/dns4/kubo/tcp/5001", settings.IpfsAddress);
        Assert.Equal([$"/ip4/192.168.1.10/tcp/4001/p2p/{_secrets.BootstrapPeerId}"], settings.IpfsBootstrapperAddresses);
        Assert.Equal(new Uri("http://192.168.1.20:5601/"), settings.DashboardUrl);
        var kubo = services.GetProperty("kubo");
        Assert.Equal(["4001"], kubo.GetProperty("ports").EnumerateArray().Select(p => p.GetProperty("target").ToString()));
        Assert.False(kubo.GetProperty("environment").TryGetProperty("IPLS_KUBO_IDENTITY_FILE", out _));
    }

    [Fact]
    public async Task BootstrapperOverride_GivesKuboTheFixedIdentity_AndTheAgentItsRole()
    {
        if (ComposeProject.Program() is not { } compose)
        {
            return;
        }

        (await ComposeProject.RunFilesAsync(compose, _envFile, [Device, Bootstrapper], "config", "-q")).AssertSuccess("docker-compose config -q (bootstrapper device)");
        using var config = await ComposeProject.ConfigAsync(compose, _envFile, [Device, Bootstrapper]);
        var services = config.RootElement.GetProperty("services");

        var settings = AgentEnvironment.Read(services.GetProperty("agent").GetProperty("environment"), _secrets, "agent");
        Assert.Equal(PeerRole.Bootstrapper, settings.Role);
        Assert.Equal(900, settings.Vehicle); // not the device's IPLS_VEHICLE
        Assert.Equal("vehicle-900", settings.Mqtt.Username); // with vehicle_900_credential as this device's vehicle_credential
        Assert.False(settings.Generator.Enabled);
        Assert.Empty(settings.IpfsBootstrapperAddresses);
        var kubo = services.GetProperty("kubo");
        Assert.Equal(_secrets.BootstrapPeerId, kubo.GetProperty("environment").GetProperty("IPLS_KUBO_PEER_ID").GetString());
        Assert.Equal(["kubo_bootstrap_identity", "swarm_key"], kubo.GetProperty("secrets").EnumerateArray().Select(s => s.GetProperty("source").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(_secrets.PathOf("kubo_bootstrap_identity"), config.RootElement.GetProperty("secrets").GetProperty("kubo_bootstrap_identity").GetProperty("file").GetString());
    }
}
