using System.Text.Json;
using IplsCore.Configuration;
using IplsCore.Ipls;
using Microsoft.Extensions.Configuration;

namespace IplsPeerAgent.Tests.Deployment;

/// <summary>
/// docker-compose.yml, checked without a Docker engine: Debian's docker-compose validates it, the
/// services are the fleet the README describes, every agent's IPLS_* environment is a config the
/// agent's own reader accepts, and no secret value is written anywhere but the secret files.
/// </summary>
public sealed class ComposeFileTests : IAsyncLifetime
{
    private static readonly string[] Vehicles = ["1", "2", "3", "4"];

    private Secrets _secrets = null!;

    public async Task InitializeAsync() => _secrets = await Secrets.MakeAsync();

    public Task DisposeAsync()
    {
        _secrets.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task DockerCompose_ConfigQuiet_AcceptsTheFile()
    {
        if (ComposeProject.Program() is not { } compose)
        {
            return;
        }

        var result = await ComposeProject.RunAsync(compose, _secrets.EnvFile, "config", "-q");

        result.AssertSuccess("docker-compose config -q");
        Assert.Equal(string.Empty, result.Stderr.Trim());
    }

    [Fact]
    public async Task DockerCompose_WithoutTheBootstrapPeerId_RefusesAndSaysWhatToRun()
    {
        if (ComposeProject.Program() is not { } compose)
        {
            return;
        }

        using var dir = new TempDirectory();
        var result = await ComposeProject.RunAsync(compose, dir.Write("empty.env", string.Empty), "config", "-q");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("scripts/make-secrets.sh", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Services_AreTheDashboardABootstrapNodeAndFourVehiclesEachWithItsKuboNode()
    {
        if (ComposeProject.Program() is not { } compose)
        {
            return;
        }

        using var config = await ComposeProject.ConfigAsync(compose, _secrets.EnvFile);
        var services = config.RootElement.GetProperty("services");

        string[] expected = ["dashboard", "kubo-bootstrap", "bootstrapper", .. Vehicles.SelectMany(n => new[] { $"kubo-peer{n}", $"peer{n}" })];
        Assert.Equal(expected.Order(StringComparer.Ordinal), services.EnumerateObject().Select(s => s.Name).Order(StringComparer.Ordinal));
        var dashboard = services.GetProperty("dashboard");
        Assert.Equal("false", dashboard.GetProperty("environment").GetProperty("Dashboard__DemoFleet__Enabled").GetString());
        // The operator's broker password and the key vehicle credentials derive from: the dashboard's alone.
        Assert.Equal(["broker_password", "dashboard_admin_password", "fleet_token", "identity_key"], SecretsOf(dashboard));
        Assert.Equal(["kubo_bootstrap_identity", "swarm_key"], SecretsOf(services.GetProperty("kubo-bootstrap")));
        foreach (string n in Vehicles)
        {
            var kubo = services.GetProperty($"kubo-peer{n}");
            Assert.Equal(["swarm_key"], SecretsOf(kubo));
            Assert.Equal($"/dns4/kubo-bootstrap/tcp/4001/p2p/{_secrets.BootstrapPeerId}", kubo.GetProperty("environment").GetProperty("IPLS_KUBO_BOOTSTRAP").GetString());
            Assert.Equal("deploy/kubo/Dockerfile", kubo.GetProperty("build").GetProperty("dockerfile").GetString());
        }

        // No Kubo RPC API is published, and each one shares a network with its own agent only.
        Assert.All(services.EnumerateObject().Where(s => s.Name.StartsWith("kubo-", StringComparison.Ordinal)), s => Assert.False(s.Value.TryGetProperty("ports", out _), s.Name));
        var apiNetworks = services.EnumerateObject()
            .SelectMany(s => NetworksOf(s.Value).Where(n => n.StartsWith("api-", StringComparison.Ordinal)).Select(n => (Network: n, Service: s.Name)))
            .GroupBy(x => x.Network, x => x.Service);
        Assert.All(apiNetworks, g => Assert.Equal(2, g.Count()));
        Assert.Equal(5, apiNetworks.Count());
    }

    [Fact]
    public async Task Agents_AreConfiguredThroughIplsVariables_ThatTheAgentsOwnReaderAccepts()
    {
        if (ComposeProject.Program() is not { } compose)
        {
            return;
        }

        using var config = await ComposeProject.ConfigAsync(compose, _secrets.EnvFile);
        var services = config.RootElement.GetProperty("services");

        foreach (string name in new[] { "bootstrapper" }.Concat(Vehicles.Select(n => $"peer{n}")))
        {
            var service = services.GetProperty(name);
            Assert.Equal("deploy/agent/Dockerfile", service.GetProperty("build").GetProperty("dockerfile").GetString());
            Assert.Equal("20s", service.GetProperty("stop_grace_period").GetString()); // time for the graceful leave
            // Each agent holds its own vehicle's broker credential only (the bootstrapper is vehicle 900).
            string vehicle = name == "bootstrapper" ? "900" : name["peer".Length..];
            Assert.Equal(["fleet_token", $"vehicle_{vehicle}_credential"], SecretsOf(service));
            var settings = AgentEnvironment.Read(service.GetProperty("environment"), _secrets, name);

            string kubo = name == "bootstrapper" ? "kubo-bootstrap" : $"kubo-{name}";
            Assert.Equal(IplsTransportKind.Ipfs, settings.Transport);
            Assert.Equal($"/dns4/{kubo}/tcp/5001", settings.IpfsAddress);
            Assert.Contains(kubo, services.EnumerateObject().Select(s => s.Name));
            Assert.Contains(NetworksOf(service), n => NetworksOf(services.GetProperty(kubo)).Contains(n));
            Assert.Equal(new MqttSettings("dashboard", 1883, $"vehicle-{vehicle}", _secrets.Read($"vehicle_{vehicle}_credential").Trim()), settings.Mqtt);
            Assert.Equal(new Uri("http://dashboard:5601/"), settings.DashboardUrl);
            Assert.Equal(_secrets.Read("fleet_token").Trim(), settings.FleetToken);
            Assert.Equal("/var/lib/ipls", service.GetProperty("volumes")[0].GetString()!.Split(':')[1]);
            if (name == "bootstrapper")
            {
                Assert.Equal(PeerRole.Bootstrapper, settings.Role);
                Assert.Equal(900, settings.Vehicle); // not vehicle 1, the default
                Assert.False(settings.Generator.Enabled);
            }
            else
            {
                Assert.Equal(PeerRole.Peer, settings.Role);
                Assert.Equal(int.Parse(name["peer".Length..], System.Globalization.CultureInfo.InvariantCulture), settings.Vehicle);
                Assert.True(settings.Generator.Enabled);
                Assert.Equal([$"/dns4/kubo-bootstrap/tcp/4001/p2p/{_secrets.BootstrapPeerId}"], settings.IpfsBootstrapperAddresses);
                Assert.Equal([_secrets.BootstrapPeerId], settings.IpfsBootstrapperIds);
            }
        }
    }

    [Fact]
    public async Task SecretValues_AppearNeitherInTheComposeFileNorInItsResolvedConfigNorInAnyImageInput()
    {
        if (ComposeProject.Program() is not { } compose)
        {
            return;
        }

        var resolved = await ComposeProject.RunAsync(compose, _secrets.EnvFile, "config");
        resolved.AssertSuccess("docker-compose config");
        string root = Cli.RepositoryPaths.Root;
        var inputs = new[] { "docker-compose.yml", ".dockerignore" }
            .Concat(Directory.GetFiles(Path.Combine(root, "deploy"), "*", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}secrets{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Select(f => Path.GetRelativePath(root, f)))
            .ToDictionary(f => f, f => File.ReadAllText(Path.Combine(root, f)));
        inputs["docker-compose config"] = resolved.Stdout;

        var values = _secrets.Values().ToList();
        Assert.Equal(11, values.Count); // swarm key hex, fleet token, two passwords, Kubo private key, identity key, 5 vehicle credentials
        foreach (var (source, text) in inputs)
        {
            Assert.All(values, v => Assert.DoesNotContain(v, text, StringComparison.Ordinal));
            Assert.DoesNotContain(_secrets.SecretsDirectory, text, StringComparison.Ordinal);
        }

        // Whatever names a secret in an environment is a file path, never a value.
        using var config = await ComposeProject.ConfigAsync(compose, _secrets.EnvFile);
        foreach (var service in config.RootElement.GetProperty("services").EnumerateObject())
        {
            foreach (var variable in service.Value.TryGetProperty("environment", out var env) ? env.EnumerateObject() : Enumerable.Empty<JsonProperty>())
            {
                bool secretName = variable.Name.Contains("password", StringComparison.OrdinalIgnoreCase) || variable.Name.Contains("token", StringComparison.OrdinalIgnoreCase) || variable.Name.Contains("key", StringComparison.OrdinalIgnoreCase) || variable.Name.Contains("identity", StringComparison.OrdinalIgnoreCase);
                if (secretName)
                {
                    Assert.StartsWith("/run/secrets/", variable.Value.GetString(), StringComparison.Ordinal);
                }
            }
        }

        // The secret files stay out of every build context and out of git.
        Assert.Contains("deploy/secrets", File.ReadAllLines(Path.Combine(root, ".dockerignore")));
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(root, ".dockerignore")));
        Assert.Contains("/deploy/secrets/", File.ReadAllLines(Path.Combine(root, ".gitignore")));
        Assert.Contains("/.env", File.ReadAllLines(Path.Combine(root, ".gitignore")));
        Assert.All(config.RootElement.GetProperty("secrets").EnumerateObject(), s => Assert.StartsWith(Path.Combine(root, "deploy", "secrets") + "/", s.Value.GetProperty("file").GetString(), StringComparison.Ordinal));
    }

    private static string[] SecretsOf(JsonElement service) =>
        [.. service.GetProperty("secrets").EnumerateArray().Select(s => s.GetProperty("source").GetString()!).Order(StringComparer.Ordinal)];

    private static string[] NetworksOf(JsonElement service) =>
        [.. service.GetProperty("networks").EnumerateObject().Select(n => n.Name)];
}
