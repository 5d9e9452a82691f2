using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using IplsCore.Tests.Transport;

namespace IplsPeerAgent.Tests.Deployment;

/// <summary>
/// deploy/device/mosquitto: render-conf.sh's output and refusals, and the rendered bridge run with
/// Debian's mosquitto against an MQTT broker standing in for the dashboard's: scores published while
/// that broker is away survive a restart of the device broker and arrive complete and in order.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // sh, kill, file modes
public sealed class DeviceBrokerTests : IDisposable
{
    private const string Script = "deploy/device/mosquitto/render-conf.sh";
    private const string Mosquitto = "/usr/sbin/mosquitto";
    private readonly TempDirectory _dir = new();

    public DeviceBrokerTests()
    {
        // mosquitto started as root drops to user mosquitto: the queue directory must be open to it.
        File.SetUnixFileMode(_dir.Path, (UnixFileMode)0b111_111_111);
        Directory.CreateDirectory(_dir.File("data"));
        File.SetUnixFileMode(_dir.File("data"), (UnixFileMode)0b111_111_111);
    }

    public void Dispose() => _dir.Dispose();

    private Dictionary<string, string?> Env(int vehicle, int dashboardPort, int listenPort) => new()
    {
        ["VEHICLE"] = vehicle.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["DASHBOARD_MQTT_HOST"] = "127.0.0.1",
        ["DASHBOARD_MQTT_PORT"] = dashboardPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["DATA_DIR"] = _dir.File("data"),
        ["LISTEN_PORT"] = listenPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private async Task<string> RenderAsync(Dictionary<string, string?> env)
    {
        string output = _dir.File("device.conf");
        (await Shell.RunAsync("sh", [Script, output], env)).AssertSuccess(Script);
        return output;
    }

    [Fact]
    public async Task Render_WritesThePersistentBridgeForTheVehicle_Mode0600_WithThePasswordFromItsFile()
    {
        var env = Env(3, 1884, 1883);
        env["BRIDGE_USERNAME"] = "vehicle-3";
        env["BRIDGE_PASSWORD_FILE"] = _dir.Write("vehicle_credential", "s3cret-pass\n");
        string conf = File.ReadAllText(await RenderAsync(env));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.File("device.conf")));
        string[] lines = conf.Split('\n');
        foreach (string expected in new[]
                 {
                     "persistence true", "listener 1883 127.0.0.1", $"persistence_location {_dir.File("data")}/",
                     "address 127.0.0.1:1884", "cleansession false", "local_cleansession false", "remote_clientid ipls-bridge-v3",
                     "remote_username vehicle-3", "remote_password s3cret-pass",
                     "topic v3/anomaly out 1", "topic vehicle/3 out 1", "topic vehicle/3/generator in 1",
                 })
        {
            Assert.Contains(expected, lines);
        }

        Assert.DoesNotContain(lines, l => l.StartsWith("topic ipls/", StringComparison.Ordinal));
        env["BRIDGE_IPLS"] = "1";
        Assert.Contains("topic ipls/# both 1", File.ReadAllText(await RenderAsync(env)).Split('\n'));
    }

    [Theory]
    [InlineData("VEHICLE", "", "VEHICLE")]
    [InlineData("VEHICLE", "two", "VEHICLE")]
    [InlineData("DASHBOARD_MQTT_HOST", "", "DASHBOARD_MQTT_HOST is required")]
    [InlineData("DASHBOARD_MQTT_PORT", "70000", "DASHBOARD_MQTT_PORT")]
    [InlineData("DATA_DIR", "relative/dir", "an absolute path")]
    [InlineData("BRIDGE_PASSWORD_FILE", "/nonexistent/broker_password", "not readable")]
    [InlineData("BRIDGE_IPLS", "yes", "BRIDGE_IPLS")]
    public async Task Render_RefusesBadSettings_NamingTheVariable_AndWritesNothing(string name, string value, string expected)
    {
        var env = Env(1, 1884, 1883);
        env["BRIDGE_USERNAME"] = "vehicle-1";
        env[name] = value;
        var result = await Shell.RunAsync("sh", [Script, _dir.File("device.conf")], env);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("device.conf")));
    }

    [Fact]
    public async Task Bridge_KeepsScoresAcrossARestart_WhileTheDashboardBrokerIsAway_ThenDeliversThemInOrder()
    {
        if (!File.Exists(Mosquitto))
        {
            Assert.True(Environment.GetEnvironmentVariable("IPLS_SKIP_MOSQUITTO") == "1", "mosquitto is not installed (apt-get install mosquitto; .ci/run does this)");
            return;
        }

        int dashboardPort = Brokers.FreePort(), devicePort = Brokers.FreePort();
        string conf = await RenderAsync(Env(2, dashboardPort, devicePort));
        const int Half = 300;

        var device = await StartAsync(conf, devicePort);
        await PublishScoresAsync(devicePort, 0, Half);
        await StopAsync(device);                          // SIGTERM: the queue is saved
        device = await StartAsync(conf, devicePort);
        await PublishScoresAsync(devicePort, Half, Half);

        var dashboard = await Brokers.StartMqttNetAsync(dashboardPort);
        try
        {
            await using var sink = await MqttProbe.ConnectAsync(dashboardPort, "v2/anomaly");
            await Eventually.TrueAsync(() => sink.Count("v2/anomaly") >= 2 * Half, "the queued scores reach the dashboard's broker", seconds: 60);

            var received = sink.On("v2/anomaly").Select(m => Encoding.UTF8.GetString(m.Payload)).ToList();
            Assert.Equal(Enumerable.Range(0, 2 * Half).Select(Score), received);

            // The other way: the generator switch from the dashboard reaches the device broker.
            await using var local = await MqttProbe.ConnectAsync(devicePort, "vehicle/2/generator");
            await Eventually.TrueAsync(
                async () =>
                {
                    await sink.PublishAsync("vehicle/2/generator", "{\"mode\":\"anomaly\"}");
                    await Task.Delay(200);
                    return local.Count("vehicle/2/generator") > 0;
                },
                "vehicle/2/generator comes in over the bridge");
        }
        finally
        {
            await StopAsync(device);
            await dashboard.StopAsync(new MQTTnet.Server.MqttServerStopOptions());
            dashboard.Dispose();
        }
    }

    private static string Score(int i) => $"{{\"anomaly_score\":[0.{i:D4}],\"timestamp\":{1_700_000_000 + i}}}";

    private static async Task PublishScoresAsync(int port, int first, int count)
    {
        await using var publisher = await MqttProbe.ConnectAsync(port);
        for (int i = first; i < first + count; i++)
        {
            await publisher.PublishAsync("v2/anomaly", Score(i));
        }
    }

    private static async Task<Process> StartAsync(string conf, int port)
    {
        var process = Process.Start(new ProcessStartInfo(Mosquitto, ["-c", conf]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            },
            "the device broker listens");
        return process;
    }

    private static async Task StopAsync(Process process)
    {
        (await Shell.RunAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])).AssertSuccess("kill -TERM mosquitto");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        process.Dispose();
    }
}
