using System.Diagnostics;
using IplsCore.Engine;
using IplsCore.Tests.Configuration;
using IplsCore.Tests.Persistence.Reference;
using IplsCore.Tests.Transport;
using IplsCore.Tests.Transport.Kubo;
using MQTTnet.Server;

namespace IplsPeerAgent.Tests.Cli;

/// <summary><c>ipls-agent run</c>: config checks in-process, and the real process against a real broker with SIGTERM.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A config with the reference adConfig.json's keys and string values, and ${...} placeholders.</summary>
    private string ReferencePeerConfig()
    {
        string parameters = _dir.File("ad_ipls_params");
        File.WriteAllBytes(parameters, JavaSerializationFixtureWriter.GuavaList(DenseNetwork.CreateXavier(NetworkShape.Default, 3).Parameters.ToArray().Select(v => (double)v).ToArray()));
        string scaler = _dir.File("scaler");
        File.WriteAllBytes(scaler, new ScalerFixture([-6f, -6f, -7f, -7f], [3f, 3f, 7f, 7f]).ToBytes());
        return _dir.Write("adConfig.json", ReferenceConfigs.Peer.Replace("/workspace/ad_ipls_params", parameters, StringComparison.Ordinal).Replace("/workspace/scaler", scaler, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_TheReferenceConfigWithAFleetTokenOverride_IsValid()
    {
        var run = await CliRun.InvokeAsync("run", "--config", ReferencePeerConfig(), "--set", "fleetToken=0123456789abcdef0123", "--set", "vehicle=4", "--check");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("vehicle 4, role peer, broker 127.0.0.1:7883", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_BadValues_AreAllReportedWithKeyValueAndRange_UnknownKeysWarn()
    {
        string config = _dir.Write("bad.json", """{ "epochs": "many", "mqttPort": "70000", "learningRate": "-1", "fleetToken": "0123456789abcdef0123", "epochz": 3 }""");

        var run = await CliRun.InvokeAsync("run", "--config", config, "--check");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(run.ErrorLines, l => l.StartsWith("error: epochs = \"many\"", StringComparison.Ordinal));
        Assert.Contains(run.ErrorLines, l => l.StartsWith("error: mqttPort = \"70000\"", StringComparison.Ordinal) && l.Contains("65535", StringComparison.Ordinal));
        Assert.Contains(run.ErrorLines, l => l.StartsWith("error: learningRate = \"-1\"", StringComparison.Ordinal));
        Assert.Contains(run.ErrorLines, l => l == "warning: epochz: unknown key, ignored");
    }

    [Fact]
    public async Task Check_TheIpfsTransport_SaysWhichKuboApiIplsUses()
    {
        var run = await CliRun.InvokeAsync(
            "run", "--set", "fleetToken=0123456789abcdef0123", "--set", "transport=ipfs", "--set", "ipfsAddress=/dns4/kubo-peer1/tcp/5001",
            "--set", "ipfsBootstrapperAddresses:0=/dns4/kubo-boot/tcp/4001", "--set", "ipfsBootstrapperIds:0=12D3KooWLYpE4mJQqT4WsmxkSDhnLPwiYsywoYxG9GaNN6KWhvSj", "--check");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("broker localhost:1883, IPLS over Kubo at http://kubo-peer1:5001/, 1 bootstrapper(s); daemon not answering yet: ", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FakeIpfsDialect.Kubo, "daemon: Kubo 0.41.0, pubsub on")]
    [InlineData(FakeIpfsDialect.JsIpfs, "daemon: js-ipfs 0.18.1, pubsub on")]
    public async Task Check_TheIpfsTransport_SaysWhichDaemonAnswers(FakeIpfsDialect dialect, string expected)
    {
        var network = new FakeKuboNetwork();
        var daemon = await network.StartDaemonAsync(dialect: dialect);
        try
        {
            var run = await CliRun.InvokeAsync("run", "--set", "fleetToken=0123456789abcdef0123", "--set", "transport=ipfs", "--set", "ipfsAddress=" + daemon.ApiMultiaddr, "--check");

            Assert.True(run.ExitCode == 0, run.Error);
            Assert.Contains($"IPLS over Kubo at {daemon.ApiUri}, 0 bootstrapper(s); {expected}", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            await network.StopAsync();
        }
    }

    [Fact]
    public async Task Check_TheIpfsTransport_WithABadIpfsAddress_IsOneClearError()
    {
        var run = await CliRun.InvokeAsync("run", "--set", "fleetToken=0123456789abcdef0123", "--set", "transport=ipfs", "--set", "ipfsAddress=/unix/run/kubo.sock", "--check");

        run.AssertUserError("ipfsAddress = \"/unix/run/kubo.sock\": /unix is not supported");
    }

    [Fact]
    public async Task Check_TheIpfsTransport_WithABootstrapperWithoutPeerId_IsOneClearError()
    {
        var run = await CliRun.InvokeAsync(
            "run", "--set", "fleetToken=0123456789abcdef0123", "--set", "transport=ipfs", "--set", "ipfsBootstrapperAddresses:0=/ip4/10.0.0.10/tcp/4001", "--check");

        run.AssertUserError("ipfsBootstrapperAddresses:0 = \"/ip4/10.0.0.10/tcp/4001\": has no /p2p/<peer id> and ipfsBootstrapperIds:0 is missing");
    }

    [Fact]
    public async Task Check_TheMqttTransport_IgnoresTheIpfsKeys()
    {
        var run = await CliRun.InvokeAsync("run", "--set", "fleetToken=0123456789abcdef0123", "--set", "ipfsAddress=/unix/run/kubo.sock", "--check");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("IPLS over MQTT at localhost:1883", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_IsPrinted_AndShippedBesideTheAgent()
    {
        var run = await CliRun.InvokeAsync("schema");

        Assert.Equal(0, run.ExitCode);
        using var schema = System.Text.Json.JsonDocument.Parse(run.Output);
        Assert.True(schema.RootElement.GetProperty("properties").TryGetProperty("fleetToken", out _));
        Assert.Equal(run.Output.Trim(), File.ReadAllText(Path.Combine(Path.GetDirectoryName(RepositoryPaths.AgentDll)!, "agent-config.schema.json")).Trim());
    }

    [Fact]
    public async Task Check_NotJson_IsOneClearError()
    {
        var run = await CliRun.InvokeAsync("run", "--config", _dir.Write("broken.json", "{ \"epochs\": "), "--check");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not valid JSON", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_EnvironmentVariablesOverrideTheFile_AndSetOverridesBoth()
    {
        // In-process the environment is shared with other tests: use a key nothing else sets.
        Environment.SetEnvironmentVariable("IPLS_threshold", "7");
        try
        {
            string config = _dir.Write("c.json", """{ "fleetToken": "0123456789abcdef0123", "threshold": "0.5", "mqttPort": "1000" }""");
            var fromEnv = await CliRun.InvokeAsync("run", "--config", config, "--set", "threshold=200", "--check");
            Assert.Equal(2, fromEnv.ExitCode);
            Assert.Contains(fromEnv.ErrorLines, l => l.StartsWith("error: threshold = \"200\"", StringComparison.Ordinal));

            var envWins = await CliRun.InvokeAsync("run", "--config", config, "--set", "mqttPort=1001", "--check");
            Assert.Equal(0, envWins.ExitCode);
            Assert.Contains("1001", envWins.Output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("IPLS_threshold", null);
        }
    }

    [Fact]
    public async Task RealProcess_RunsAgainstABroker_AndSigtermLeavesAndCheckpoints()
    {
        int port = Brokers.FreePort();
        var broker = await Brokers.StartMqttNetAsync(port);
        try
        {
            string state = _dir.File("state");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in new[]
            {
                RepositoryPaths.AgentDll, "run",
                "--set", "mqttBrokerip=127.0.0.1", "--set", $"mqttPort={port}", "--set", "fleetToken=0123456789abcdef0123",
                "--set", "generator:enabled=true", "--set", "generator:rateHz=20", "--set", $"stateDirectory={state}", "--set", "agentId=proc-1",
            })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var watch = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(state, "identity.json")) || watch.Elapsed < TimeSpan.FromSeconds(6))
            {
                if (process.HasExited)
                {
                    Assert.Fail($"the agent exited early ({process.ExitCode}): {await stderr}");
                }

                // Generous: a process start with tiered compilation off takes long on a loaded 2-core machine.
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(180), "the agent did not start");
                await Task.Delay(200);
            }

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);
            string output = await stdout;
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stderr}\n{output}");
            Assert.Contains("agent proc-1 running for vehicle 1", output, StringComparison.Ordinal);
            Assert.Contains("agent stopped: left the fleet, checkpoint written", output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(state, "checkpoint.iplsm")));
            Assert.Contains("\"rounds\"", await File.ReadAllTextAsync(Path.Combine(state, "checkpoint.json")), StringComparison.Ordinal);
        }
        finally
        {
            await broker.StopAsync(new MqttServerStopOptions());
            broker.Dispose();
        }
    }
}
