using System.Diagnostics;
using System.Text;
using IplsWeb.Identity;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;

namespace IplsWeb.Tests.Identity;

/// <summary>
/// The reference's other parts against our broker with a per-vehicle identity: a device's mosquitto bridge
/// (Debian's mosquitto, try_private default and off) and an MQTT-over-WebSockets client (npm <c>mqtt</c>, as the
/// reference frontend used).
/// </summary>
public sealed class ReferencePartsTests
{
    private static readonly string[] OffLoopback = ["--Dashboard:BindAddress=0.0.0.0", "--Dashboard:AdminPassword=correct-horse", "--Dashboard:BrokerPassword=broker-secret"];

    [Theory]
    [InlineData(null)]
    [InlineData(false)]
    public async Task AMosquittoBridge_WithTheVehiclesCredential_CarriesScoresOutAndGeneratorCommandsIn(bool? tryPrivate)
    {
        const string mosquitto = "/usr/sbin/mosquitto";
        if (!File.Exists(mosquitto))
        {
            Assert.True(Environment.GetEnvironmentVariable("IPLS_SKIP_MOSQUITTO") == "1", "mosquitto is not installed (apt-get install mosquitto)");
            return;
        }

        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra: OffLoopback);
        string password = host.Services.GetRequiredService<VehicleCredentials>().Password(6);
        var dir = Directory.CreateTempSubdirectory("ipls-bridge-");
        int local = DashboardHost.TwoFreePorts().First;
        string config = Path.Combine(dir.FullName, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {local} 127.0.0.1
            allow_anonymous true
            persistence false
            connection dashboard
            address 127.0.0.1:{host.MqttPort}
            remote_clientid bridge-vehicle-6
            remote_username vehicle-6
            remote_password {password}
            {(tryPrivate is { } p ? $"try_private {(p ? "true" : "false")}" : string.Empty)}
            topic vehicle/6 out 1
            topic v6/anomaly out 1
            topic vehicle/6/generator in 1

            """);
        using var process = Process.Start(new ProcessStartInfo(mosquitto, ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        try
        {
            using var device = new MqttClientFactory().CreateMqttClient();
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    await device.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", local).Build());
                    return true;
                }
                catch (MQTTnet.Exceptions.MqttCommunicationException)
                {
                    return false;
                }
            }, "the device's mosquitto listens");
            var commands = new List<string>();
            device.ApplicationMessageReceivedAsync += e =>
            {
                lock (commands)
                {
                    commands.Add(Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
                }

                return Task.CompletedTask;
            };
            await device.SubscribeAsync("vehicle/6/generator", MqttQualityOfServiceLevel.AtLeastOnce);
            using var operatorClient = await BrokerIdentityTests.ConnectAsync(host.MqttPort, "ipls", "broker-secret");

            await Eventually.TrueAsync(async () =>
            {
                await device.PublishStringAsync("v6/anomaly", "{\"anomaly_score\":[0.0171],\"timestamp\":1764000000}");
                await Task.Delay(200);
                return host.Fleet.Vehicle(6).ScoresReceived > 0;
            }, "a score published on the device reaches the dashboard through the bridge");
            await Eventually.TrueAsync(async () =>
            {
                await operatorClient.PublishAsync(BrokerIdentityTests.Message("vehicle/6/generator", "{\"mode\":\"anomaly\"}"));
                await Task.Delay(200);
                lock (commands)
                {
                    return commands.Contains("{\"mode\":\"anomaly\"}");
                }
            }, "a generator command from the operator reaches the device through the bridge");
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AnNpmMqttClient_OverWebSockets_PublishesAsItsVehicle_AndIsRefusedAnotherOnesTopic()
    {
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra: OffLoopback);
        string password = host.Services.GetRequiredService<VehicleCredentials>().Password(8);
        string modules = await NpmMqtt.InstallAsync();
        string script = Path.Combine(Path.GetTempPath(), $"ipls-ws-{Guid.NewGuid():N}.js");
        await File.WriteAllTextAsync(script, """
            const mqtt = require('mqtt');
            const [url, user, pass] = process.argv.slice(2);
            const client = mqtt.connect(url, { username: user, password: pass, protocolVersion: 4, reconnectPeriod: 0 });
            client.on('error', e => { console.log('error ' + e.message); process.exit(3); });
            client.on('connect', () => {
              client.subscribe('vehicle/1/generator', { qos: 1 }, (err, granted) => {
                console.log('other-generator ' + (err || granted[0].qos === 128 ? 'refused' : granted[0].qos)); // mqtt.js 5 reports a SUBACK failure as an error
                client.subscribe('vehicle/8/generator', { qos: 1 }, (err2, granted2) => {
                  console.log('own-generator ' + (err2 ? 'error' : granted2[0].qos));
                  client.publish('v8/anomaly', JSON.stringify({ anomaly_score: [0.29], timestamp: Math.floor(Date.now() / 1000) }), { qos: 1 }, () => {
                    client.publish('v1/anomaly', JSON.stringify({ anomaly_score: [0.99] }), { qos: 1 }, () => { console.log('done'); client.end(); });
                  });
                });
              });
            });
            """);
        try
        {
            var start = new ProcessStartInfo("node", [script, $"ws://127.0.0.1:{host.HttpPort}/mqtt", "vehicle-8", password]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["NODE_PATH"] = modules;
            using var node = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string output = await node.StandardOutput.ReadToEndAsync(timeout.Token);
            await node.WaitForExitAsync(timeout.Token);

            Assert.True(node.ExitCode == 0, output + await node.StandardError.ReadToEndAsync());
            Assert.Contains("other-generator refused", output, StringComparison.Ordinal); // SUBACK failure
            Assert.Contains("own-generator 1", output, StringComparison.Ordinal);
            Assert.Contains("done", output, StringComparison.Ordinal);
            await Eventually.TrueAsync(() => host.Fleet.Vehicle(8).ScoresReceived == 1, "vehicle 8's score over WebSockets is taken");
            Assert.Equal(0, host.Fleet.Vehicle(1).ScoresReceived);
        }
        finally
        {
            File.Delete(script);
        }
    }
}

/// <summary>The npm <c>mqtt</c> package, installed once per machine into a cache folder (never into the repository).</summary>
internal static class NpmMqtt
{
    public static async Task<string> InstallAsync()
    {
        string cache = Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") ?? Path.Combine(Path.GetTempPath(), "ipls-test-cache"), "npm-mqtt");
        string modules = Path.Combine(cache, "node_modules");
        if (File.Exists(Path.Combine(modules, "mqtt", "package.json")))
        {
            return modules;
        }

        Directory.CreateDirectory(cache);
        var start = new ProcessStartInfo("npm", ["install", "--no-audit", "--no-fund", "--prefix", cache, "mqtt@5"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var npm = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        string error = await npm.StandardError.ReadToEndAsync(timeout.Token);
        await npm.WaitForExitAsync(timeout.Token);
        Assert.True(npm.ExitCode == 0, "npm install mqtt failed: " + error);
        return modules;
    }
}
