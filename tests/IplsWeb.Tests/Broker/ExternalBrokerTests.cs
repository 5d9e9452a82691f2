using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using IplsCore.Data;
using IplsCore.Ipls;
using IplsCore.Messages;
using IplsCore.Tests.Transport;
using IplsWeb.Broker;
using IplsWeb.Hosting;
using IplsWeb.History;
using Microsoft.Extensions.DependencyInjection;
using IplsWeb.Tests.Logging;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace IplsWeb.Tests.Broker;

/// <summary>
/// Dashboard:Broker:Mode = External against Debian's mosquitto, started by the test: the dashboard listens for no
/// MQTT, subscribes as a client with a persistent session, and loses nothing the broker queued across a restart.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // mosquitto, Unix file modes
public sealed class ExternalBrokerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ipls-extbroker-").FullName;
    private readonly List<Process> _brokers = [];

    public void Dispose()
    {
        foreach (var broker in _brokers)
        {
            StopBroker(broker);
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task ScoresAndSensors_ReachTheFleetAndTheHistory_AndAGeneratorCommandReachesTheVehicleTopic()
    {
        if (await StartBrokerAsync() is not { } port)
        {
            return;
        }

        await using var host = await StartDashboardAsync(port);
        var client = host.Services.GetRequiredService<ExternalBrokerClient>();
        await Eventually.TrueAsync(() => client.Status.State == ExternalBrokerState.Connected, "the dashboard connects to mosquitto");

        // No MQTT here: neither the TCP listener nor /mqtt.
        using (var probe = new TcpClient())
        {
            await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync("127.0.0.1", host.MqttPort));
        }

        using (var http = new HttpClient { BaseAddress = host.Url })
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/mqtt", UriKind.Relative))).StatusCode);
        }

        using var vehicle = await ConnectAsync(port, "vehicle-3");
        var commands = new ConcurrentQueue<string>();
        vehicle.ApplicationMessageReceivedAsync += e =>
        {
            commands.Enqueue(e.ApplicationMessage.Topic + " " + Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
            return Task.CompletedTask;
        };
        await vehicle.SubscribeAsync("vehicle/3/generator", MqttQualityOfServiceLevel.AtLeastOnce);

        long produced = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds();
        await PublishAsync(vehicle, "v3/anomaly", Score(0.42, produced));
        await PublishAsync(vehicle, "vehicle/3", "{\"value\":[\"0.5\",0.25,0.125,1]}");
        await PublishAsync(vehicle, "v3/anomaly", "{\"anomaly\":\"no\"}");

        await Eventually.TrueAsync(() => host.Fleet.Vehicle(3).Scores.Since(0).Any(p => p.AtUnixMs == produced), "the score reaches the live picture");
        await Eventually.TrueAsync(() => host.Fleet.Vehicle(3).Sensors.Since(0).Length > 0, "the sensor sample reaches the live picture");
        Assert.Equal([0.5f, 0.25f, 0.125f, 1f], host.Fleet.Vehicle(3).Sensors.Since(0)[^1].Values);
        await Eventually.TrueAsync(() => host.Fleet.Events().Any(e => e.Kind == IplsWeb.Fleet.FleetEventKind.Rejected && e.Subject == "v3/anomaly"), "the malformed score is reported");
        var store = host.Services.GetRequiredService<IHistoryStore>();
        await Eventually.TrueAsync(async () => await CountAsync(store, 3) == 1, "the score reaches the history");

        var result = await host.Services.GetRequiredService<GeneratorSwitch>().SetAsync(3, GeneratorMode.Anomaly, CancellationToken.None);
        Assert.True(result.Accepted, result.Message);
        await Eventually.TrueAsync(() => commands.Contains("vehicle/3/generator {\"mode\":\"anomaly\"}"), "the generator command reaches vehicle/3/generator");
    }

    [Fact]
    public async Task ADashboardRestart_LosesNothingTheBrokerQueuedForItsSession()
    {
        if (await StartBrokerAsync() is not { } port)
        {
            return;
        }

        string data = Path.Combine(_dir, "data");
        string clientId = "ipls-dashboard-restart-" + Guid.NewGuid().ToString("N")[..8];
        using var vehicle = await ConnectAsync(port, "vehicle-5");
        long start = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        await using (var first = await StartDashboardAsync(port, $"--Dashboard:DataDirectory={data}", $"--Dashboard:Broker:External:ClientId={clientId}"))
        {
            await Eventually.TrueAsync(() => first.Services.GetRequiredService<ExternalBrokerClient>().Status.State == ExternalBrokerState.Connected, "the first dashboard connects");
            for (int i = 0; i < 5; i++)
            {
                await PublishAsync(vehicle, "v5/anomaly", Score(0.01 * i, start + i));
            }

            var store = first.Services.GetRequiredService<IHistoryStore>();
            await Eventually.TrueAsync(async () => await CountAsync(store, 5) == 5, "the first five scores reach the history");
        }

        // The dashboard is down: the broker queues these for its session.
        for (int i = 5; i < 45; i++)
        {
            await PublishAsync(vehicle, "v5/anomaly", Score(0.01 * i, start + i));
        }

        await using var second = await StartDashboardAsync(port, $"--Dashboard:DataDirectory={data}", $"--Dashboard:Broker:External:ClientId={clientId}");
        var client = second.Services.GetRequiredService<ExternalBrokerClient>();
        var history = second.Services.GetRequiredService<IHistoryStore>();
        await Eventually.TrueAsync(async () => await CountAsync(history, 5) >= 45, "all 45 scores are in the history after the restart");
        Assert.True(client.Status.SessionResumed, "the broker kept the session");
        Assert.Equal(45, await CountAsync(history, 5));
        Assert.Equal(40, second.Fleet.Vehicle(5).Scores.Since(0).Length); // the queued ones, live too
    }

    [Fact]
    public async Task ABacklogLongerThanTheHistoryQueue_IsHeldAtTheBroker_NotDropped()
    {
        if (await StartBrokerAsync(extraConfig: "max_queued_messages 0\n") is not { } port)
        {
            return;
        }

        const int Backlog = 3_000;
        string data = Path.Combine(_dir, "backlog");
        string[] small = [$"--Dashboard:DataDirectory={data}", "--Dashboard:Broker:External:ClientId=ipls-dashboard-backlog", "--Dashboard:History:QueueCapacity=200", "--Dashboard:History:MaxBatch=100", "--Dashboard:History:FlushInterval=00:00:00.05"];
        await using (var first = await StartDashboardAsync(port, small))
        {
            await Eventually.TrueAsync(() => first.Services.GetRequiredService<ExternalBrokerClient>().Status.State == ExternalBrokerState.Connected, "the session is made");
        }

        using (var vehicle = await ConnectAsync(port, "vehicle-11"))
        {
            long start = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds();
            for (int i = 0; i < Backlog; i++)
            {
                await PublishAsync(vehicle, $"v{11 + (i % 5)}/anomaly", Score(0.02, start + i));
            }
        }

        await using var second = await StartDashboardAsync(port, small);
        var writer = second.Services.GetRequiredService<HistoryWriter>();
        await Eventually.TrueAsync(() => writer.Written >= Backlog || writer.Dropped > 0, "the backlog is written", seconds: 120);
        Assert.Equal(0, writer.Dropped);
        Assert.Equal(Backlog, writer.Written);
    }

    [Fact]
    public async Task TheBrokerDownAtStart_TheDashboardStartsAnywayAndConnectsOnceItIsUp()
    {
        int port = Brokers.FreePort();
        await using var host = await StartDashboardAsync(port);
        var client = host.Services.GetRequiredService<ExternalBrokerClient>();
        await Eventually.TrueAsync(() => client.Status.LastError is not null, "a failed connect is recorded");
        Assert.Equal(ExternalBrokerState.Connecting, client.Status.State);
        if (await StartBrokerAsync(port) is null)
        {
            return;
        }

        await Eventually.TrueAsync(() => client.Status.State == ExternalBrokerState.Connected, "the dashboard connects once mosquitto is up");
        using var vehicle = await ConnectAsync(port, "vehicle-2");
        await PublishAsync(vehicle, "v2/anomaly", Score(0.07, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        await Eventually.TrueAsync(() => host.Fleet.Vehicle(2).Scores.Since(0).Length == 1, "the score arrives");

        // The broker goes away and comes back: the dashboard says so, reconnects and resumes its session.
        StopBroker(_brokers[^1]);
        await Eventually.TrueAsync(() => client.Status.State == ExternalBrokerState.Reconnecting, "the lost connection is noticed");
        await StartBrokerAsync(port);
        await Eventually.TrueAsync(() => client.Status.State == ExternalBrokerState.Connected, "the dashboard reconnects");
        Assert.Equal(2, client.Status.Connects);
    }

    [Fact]
    public async Task TheDemoFleet_InExternalMode_ConnectsItsAgentsToTheExternalBroker()
    {
        if (await StartBrokerAsync() is not { } port)
        {
            return;
        }

        await using var host = await DashboardHost.StartAsync(peers: 1, bootstrappers: 1, rateHz: 20, extra: ExternalArgs(port, "ipls-dashboard-demo"));
        await Eventually.TrueAsync(() => host.Fleet.Vehicle(1).Scores.Since(0).Length > 3, "the demo vehicle's scores arrive through mosquitto", seconds: 90);
        Assert.True(host.Fleet.Vehicle(1).Sensors.Since(0).Length > 0);

        // Its own generator follows a command published through the external broker.
        var agent = host.Fleet.AgentForVehicle(1);
        await Eventually.TrueAsync(() => (agent = host.Fleet.AgentForVehicle(1))?.Status?.GeneratorMode == "normal", "the demo agent reports its generator", seconds: 60);
        var result = await host.Services.GetRequiredService<GeneratorSwitch>().SetAsync(1, GeneratorMode.Anomaly, CancellationToken.None);
        Assert.True(result.Accepted, result.Message);
        await Eventually.TrueAsync(() => host.Fleet.AgentForVehicle(1)?.Status?.GeneratorMode == "anomaly", "the agent's generator switched to anomaly", seconds: 60);
    }

    [Fact]
    public async Task ACustomTopicAnAgentAnnounces_IsSubscribed()
    {
        if (await StartBrokerAsync() is not { } port)
        {
            return;
        }

        await using var host = await StartDashboardAsync(port);
        await Eventually.TrueAsync(() => host.Services.GetRequiredService<ExternalBrokerClient>().Status.State == ExternalBrokerState.Connected, "connected");
        var topics = new VehicleTopics(8, "plant/line/8/sensors", "plant/line/8/scores", "plant/line/8/generator");
        host.Fleet.OnRegistered(new IplsCore.Control.AgentRegistration("custom-8", 8, PeerRole.Peer, "1", "linux", "arm64", "h", "{}") { Topics = topics }, "connection-8");

        using var vehicle = await ConnectAsync(port, "vehicle-8");
        await Eventually.TrueAsync(
            async () =>
            {
                await PublishAsync(vehicle, "plant/line/8/scores", Score(0.3, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
                return host.Fleet.Vehicle(8).Scores.Since(0).Length > 0;
            },
            "a score on the announced topic arrives");
    }

    [Fact]
    public async Task ACustomTopic_IsRememberedAcrossARestart_SoWhatTheBrokerQueuedOnItLandsBeforeTheAgentRegisters()
    {
        if (await StartBrokerAsync() is not { } port)
        {
            return;
        }

        string data = Path.Combine(_dir, "data");
        string clientId = "ipls-dashboard-topics-" + Guid.NewGuid().ToString("N")[..8];
        string[] args = [$"--Dashboard:DataDirectory={data}", $"--Dashboard:Broker:External:ClientId={clientId}"];
        using var vehicle = await ConnectAsync(port, "vehicle-8");
        long start = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        await using (var first = await StartDashboardAsync(port, args))
        {
            await Eventually.TrueAsync(() => first.Services.GetRequiredService<ExternalBrokerClient>().Status.State == ExternalBrokerState.Connected, "the first dashboard connects");
            var topics = new VehicleTopics(8, "plant/line/8/sensors", "plant/line/8/scores", "plant/line/8/generator");
            first.Fleet.OnRegistered(new IplsCore.Control.AgentRegistration("custom-8", 8, PeerRole.Peer, "1", "linux", "arm64", "h", "{}") { Topics = topics }, "connection-8");
            await Eventually.TrueAsync(
                async () =>
                {
                    await PublishAsync(vehicle, "plant/line/8/scores", Score(0.3, start));
                    return first.Fleet.Vehicle(8).Scores.Since(0).Length > 0;
                },
                "a score on the announced topic arrives");
        }

        string kept = await File.ReadAllTextAsync(Path.Combine(data, IplsWeb.Fleet.RememberedTopics.FileName));
        Assert.Contains("\"topic\": \"plant/line/8/scores\"", kept, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"generator\"", kept, StringComparison.Ordinal);

        // The dashboard is down: the broker queues these for its session, on the custom topic.
        for (int i = 1; i <= 10; i++)
        {
            await PublishAsync(vehicle, "plant/line/8/scores", Score(0.01 * i, start + (i * 250)));
        }

        // No agent registers with the second dashboard: the remembered topic alone places the scores.
        await using var second = await StartDashboardAsync(port, args);
        var history = second.Services.GetRequiredService<IHistoryStore>();
        await Eventually.TrueAsync(async () => await CountAsync(history, 8) >= 11, "the ten queued scores reach vehicle 8's history");
        Assert.Equal(10, second.Fleet.Vehicle(8).Scores.Since(start).Length); // the queued ones (a repeat of the first may be queued too)
        Assert.Null(second.Fleet.Agent("custom-8"));
        Assert.DoesNotContain(second.Fleet.Events(), e => e.Kind == IplsWeb.Fleet.FleetEventKind.Rejected);
    }

    [Fact]
    public void ExternalFilters_CoverTheDefaultTopicsOnly()
    {
        Assert.True(ExternalBrokerClient.CoveredByFilters("v12/anomaly"));
        Assert.True(ExternalBrokerClient.CoveredByFilters("vehicle/12"));
        Assert.False(ExternalBrokerClient.CoveredByFilters("vehicle/12/generator"));
        Assert.False(ExternalBrokerClient.CoveredByFilters("plant/line/8/scores"));
        Assert.False(ExternalBrokerClient.CoveredByFilters("scores"));
    }

    [Fact]
    public void BadExternalOptions_AreRejectedAtStart_AllAtOnce()
    {
        var none = Assert.Throws<DashboardConfigurationException>(() => DashboardApp.Build(["--Dashboard:Broker:Mode=External", "--Dashboard:Broker:External:SessionExpiry=00:00:00", "--Dashboard:Broker:External:ClientId= ", $"--Dashboard:DataDirectory={_dir}"]));
        Assert.Contains("Dashboard:Broker:External:Url: required", none.Message, StringComparison.Ordinal);
        Assert.Contains("Dashboard:Broker:External:SessionExpiry", none.Message, StringComparison.Ordinal);
        Assert.Contains("Dashboard:Broker:External:ClientId", none.Message, StringComparison.Ordinal);

        var wrong = Assert.Throws<DashboardConfigurationException>(() => DashboardApp.Build(["--Dashboard:Broker:Mode=External", "--Dashboard:Broker:External:Url=http://user:hunter2-secret@broker:1883", $"--Dashboard:DataDirectory={_dir}"]));
        Assert.Contains("not a broker URL", wrong.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", wrong.Message, StringComparison.Ordinal);

        var tls = Assert.Throws<DashboardConfigurationException>(() => DashboardApp.Build(["--Dashboard:Broker:Mode=External", "--Dashboard:Broker:External:Url=wss://broker:8084/mqtt", $"--Dashboard:Broker:External:CaFile={Path.Combine(_dir, "missing.pem")}", $"--Dashboard:DataDirectory={_dir}"]));
        Assert.Contains("CaFile", tls.Message, StringComparison.Ordinal);
        Assert.Contains("demo agents speak MQTT over plain TCP only", tls.Message, StringComparison.Ordinal);

        var mode = Assert.Throws<DashboardConfigurationException>(() => DashboardApp.Build(["--Dashboard:Broker:Mode=Cluster", $"--Dashboard:DataDirectory={_dir}"]));
        Assert.Contains("Dashboard:Broker:Mode", mode.Message, StringComparison.Ordinal);

        // Embedded mode does not read the external section at all.
        var embedded = new DashboardOptions { Broker = new BrokerOptions { External = new ExternalBrokerOptions { Url = "nonsense" } } };
        Assert.Empty(embedded.Problems());
    }

    [Fact]
    public async Task ThePassword_ReachesNoLogAndNoPage_AndAWrongOneIsShownAsRefused()
    {
        const string password = "ext-broker-secret-9c41d";
        if (MosquittoMissing())
        {
            return;
        }

        OpenToMosquitto(_dir);
        string passwordFile = Path.Combine(_dir, "passwd");
        using (var make = Process.Start(new ProcessStartInfo("mosquitto_passwd", ["-b", "-c", passwordFile, "dashboard", password]) { RedirectStandardError = true })!)
        {
            await make.WaitForExitAsync();
            Assert.True(make.ExitCode == 0, await make.StandardError.ReadToEndAsync());
        }

        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        if (await StartBrokerAsync(extraConfig: $"password_file {passwordFile}\n", allowAnonymous: false) is not { } port)
        {
            return;
        }

        var logs = new RecordingLoggerProvider();
        await using (var wrong = await StartDashboardAsync(port, services => services.AddSingleton<ILoggerProvider>(logs), "--Dashboard:Broker:External:Username=dashboard", "--Dashboard:Broker:External:Password=not-" + password, "--Logging:LogLevel:Default=Debug"))
        {
            var client = wrong.Services.GetRequiredService<ExternalBrokerClient>();
            await Eventually.TrueAsync(() => client.Status.LastError is not null, "the refusal is recorded");
            Assert.Matches("NotAuthorized|BadUserNameOrPassword", client.Status.LastError);
            Assert.NotEqual(ExternalBrokerState.Connected, client.Status.State);
        }

        await using (var right = await StartDashboardAsync(port, services => services.AddSingleton<ILoggerProvider>(logs), "--Dashboard:Broker:External:Username=dashboard", "--Dashboard:Broker:External:Password=" + password, "--Logging:LogLevel:Default=Debug"))
        {
            await Eventually.TrueAsync(() => right.Services.GetRequiredService<ExternalBrokerClient>().Status.State == ExternalBrokerState.Connected, "the right password connects");
        }

        Assert.Contains(logs.Lines, l => l.Contains("[5603]", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("[5601]", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.StartsWith("Debug", StringComparison.Ordinal)); // Debug logging is on
        Assert.DoesNotContain(logs.Lines, l => l.Contains(password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheMosquittoAclFromMakeAcl_ConfinesEachVehicle_AndLetsTheDashboardReadAllAndSwitchGenerators()
    {
        if (MosquittoMissing())
        {
            return;
        }

        OpenToMosquitto(_dir);
        string acl = Path.Combine(_dir, "acl"), passwd = Path.Combine(_dir, "passwd");
        var render = new ProcessStartInfo("sh", ["-c", $"sh deploy/external-broker/mosquitto/make-acl.sh 4 ipls-dashboard > '{acl}'"]) { WorkingDirectory = RepositoryRoot, RedirectStandardError = true };
        using (var process = Process.Start(render)!)
        {
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        }

        foreach (var (user, index) in new[] { "ipls-dashboard", "vehicle-3", "vehicle-4" }.Select((u, i) => (u, i)))
        {
            using var make = Process.Start(new ProcessStartInfo("mosquitto_passwd", index == 0 ? ["-b", "-c", passwd, user, "pw-" + user] : ["-b", passwd, user, "pw-" + user]))!;
            await make.WaitForExitAsync();
            Assert.Equal(0, make.ExitCode);
        }

        File.SetUnixFileMode(passwd, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        if (await StartBrokerAsync(extraConfig: $"password_file {passwd}\nacl_file {acl}\n", allowAnonymous: false) is not { } port)
        {
            return;
        }

        await using var host = await StartDashboardAsync(port, "--Dashboard:Broker:External:Username=ipls-dashboard", "--Dashboard:Broker:External:Password=pw-ipls-dashboard");
        await Eventually.TrueAsync(() => host.Services.GetRequiredService<ExternalBrokerClient>().Status.State == ExternalBrokerState.Connected, "the dashboard's subscriptions are granted");
        using var three = await ConnectAsync(port, "vehicle-3", "pw-vehicle-3");
        using var four = await ConnectAsync(port, "vehicle-4", "pw-vehicle-4");
        var heardByFour = new ConcurrentQueue<string>();
        four.ApplicationMessageReceivedAsync += e =>
        {
            heardByFour.Enqueue(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };
        await four.SubscribeAsync("vehicle/3/generator", MqttQualityOfServiceLevel.AtLeastOnce); // not its own: nothing may arrive
        await four.SubscribeAsync("vehicle/4/generator", MqttQualityOfServiceLevel.AtLeastOnce);

        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var forged = await PublishAsync(three, "v4/anomaly", Score(0.9, now)); // vehicle 3 speaking for vehicle 4
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        await PublishAsync(three, "v3/anomaly", Score(0.1, now));
        await PublishAsync(four, "v4/anomaly", Score(0.2, now + 1));
        await Eventually.TrueAsync(() => host.Fleet.Vehicle(3).Scores.Since(0).Length == 1 && host.Fleet.Vehicle(4).Scores.Since(0).Length == 1, "each vehicle's own score arrives");
        Assert.Equal(0.2f, host.Fleet.Vehicle(4).Scores.Since(0)[0].Score);

        var switcher = host.Services.GetRequiredService<GeneratorSwitch>();
        Assert.True((await switcher.SetAsync(3, GeneratorMode.Anomaly, CancellationToken.None)).Accepted);
        Assert.True((await switcher.SetAsync(4, GeneratorMode.Anomaly, CancellationToken.None)).Accepted);
        await Eventually.TrueAsync(() => heardByFour.Contains("vehicle/4/generator"), "vehicle 4 gets its own generator command");
        Assert.DoesNotContain("vehicle/3/generator", heardByFour);
    }

    [Fact]
    public async Task Mqtts_WithTheBrokersCaFile_Connects_AndWithoutItIsRefused()
    {
        if (MosquittoMissing())
        {
            return;
        }

        OpenToMosquitto(_dir);
        string script = string.Join('\n', [
            "set -e",
            "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 -subj /CN=ipls-test-ca 2>/dev/null",
            "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 2>/dev/null",
            "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext",
            "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 1 -extfile san.ext 2>/dev/null",
            "chmod 644 ca.pem server.pem server.key",
        ]);
        using (var openssl = Process.Start(new ProcessStartInfo("sh", ["-c", script]) { WorkingDirectory = _dir, RedirectStandardError = true })!)
        {
            await openssl.WaitForExitAsync();
            Assert.True(openssl.ExitCode == 0, await openssl.StandardError.ReadToEndAsync());
        }

        string tls = $"cafile {_dir}/ca.pem\ncertfile {_dir}/server.pem\nkeyfile {_dir}/server.key\n";
        if (await StartBrokerAsync(extraConfig: tls) is not { } port)
        {
            return;
        }

        string url = $"--Dashboard:Broker:External:Url=mqtts://127.0.0.1:{port}";
        await using (var untrusting = await StartDashboardAsync(port, url))
        {
            var client = untrusting.Services.GetRequiredService<ExternalBrokerClient>();
            await Eventually.TrueAsync(() => client.Status.LastError is not null, "the unknown CA is refused");
            Assert.NotEqual(ExternalBrokerState.Connected, client.Status.State);
        }

        await using var trusting = await StartDashboardAsync(port, url, $"--Dashboard:Broker:External:CaFile={_dir}/ca.pem");
        await Eventually.TrueAsync(() => trusting.Services.GetRequiredService<ExternalBrokerClient>().Status.State == ExternalBrokerState.Connected, "connected over TLS with the broker's CA");
        var vehicle = new MqttClientFactory().CreateMqttClient();
        using (vehicle)
        {
            await vehicle.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithTlsOptions(t => t.UseTls().WithCertificateValidationHandler(_ => true)).Build());
            await PublishAsync(vehicle, "v6/anomaly", Score(0.05, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        }

        await Eventually.TrueAsync(() => trusting.Fleet.Vehicle(6).Scores.Since(0).Length == 1, "the score arrives over TLS");
    }

    [Fact]
    public async Task AWebSocketUrl_Works_AgainstAnotherDashboardsEmbeddedBroker()
    {
        // Debian's mosquitto 2.0.11 cannot open a websockets listener here; an embedded broker serves MQTT at /mqtt.
        await using var broker = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0);
        await using var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0, extra: [.. ExternalArgs(0, "ipls-dashboard-ws"), $"--Dashboard:Broker:External:Url=ws://127.0.0.1:{broker.HttpPort}/mqtt"]);
        var client = host.Services.GetRequiredService<ExternalBrokerClient>();
        await Eventually.TrueAsync(() => client.Status.State == ExternalBrokerState.Connected, "connected over WebSocket");
        Assert.Equal($"ws://127.0.0.1:{broker.HttpPort}/mqtt", client.Status.Broker);
        using var vehicle = await ConnectAsync(broker.MqttPort, "vehicle-9");
        await PublishAsync(vehicle, "vehicle/9", "{\"value\":[1,2,3,4]}");
        await Eventually.TrueAsync(() => host.Fleet.Vehicle(9).Sensors.Since(0).Length == 1, "the sample arrives over WebSocket");
    }

    private static string[] ExternalArgs(int port, string clientId) =>
    [
        "--Dashboard:Broker:Mode=External",
        $"--Dashboard:Broker:External:Url=mqtt://127.0.0.1:{port}",
        $"--Dashboard:Broker:External:ClientId={clientId}",
        "--Dashboard:Broker:External:ReconnectMinDelay=00:00:00.2",
        "--Dashboard:Broker:External:ReconnectMaxDelay=00:00:01",
    ];

    private static Task<DashboardHost> StartDashboardAsync(int port, params string[] extra) => StartDashboardAsync(port, null, extra);

    private static Task<DashboardHost> StartDashboardAsync(int port, Action<IServiceCollection>? services, params string[] extra) =>
        DashboardHost.StartAsync(services, peers: 0, bootstrappers: 0, extra: [.. ExternalArgs(port, "ipls-dashboard-" + Guid.NewGuid().ToString("N")[..8]), .. extra]);

    private async Task<int?> StartBrokerAsync(int? port = null, string extraConfig = "", bool allowAnonymous = true)
    {
        var (process, listen, missing) = await Brokers.StartMosquittoAsync(Directory.CreateTempSubdirectory("ipls-extbroker-mosquitto-").FullName, port, extraConfig, allowAnonymous);
        if (process is null)
        {
            Assert.True(Environment.GetEnvironmentVariable("IPLS_SKIP_MOSQUITTO") == "1", missing);
            return null;
        }

        _brokers.Add(process);
        return listen;
    }

    // mosquitto started as root reads its files as the user mosquitto.
    private static void OpenToMosquitto(string directory) =>
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

    // mosquitto_passwd comes with mosquitto; without both the test is skipped only where that is asked for.
    private static bool MosquittoMissing()
    {
        if (File.Exists("/usr/sbin/mosquitto") && File.Exists("/usr/bin/mosquitto_passwd"))
        {
            return false;
        }

        Assert.True(Environment.GetEnvironmentVariable("IPLS_SKIP_MOSQUITTO") == "1", "mosquitto is not installed (apt-get install mosquitto; .ci/run does this)");
        return true;
    }

    private static void StopBroker(Process broker)
    {
        if (!broker.HasExited)
        {
            broker.Kill();
            broker.WaitForExit();
        }
    }

    private static async Task<IMqttClient> ConnectAsync(int port, string clientId, string? password = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId + "-" + Guid.NewGuid().ToString("N")[..6]).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500);
        if (password is not null)
        {
            options = options.WithCredentials(clientId, password);
        }

        var result = await client.ConnectAsync(options.Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    private static string RepositoryRoot
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "IplsWeb.sln")))
            {
                root = root.Parent;
            }

            return root?.FullName ?? throw new InvalidOperationException("IplsWeb.sln not found above " + AppContext.BaseDirectory);
        }
    }

    private static Task<MqttClientPublishResult> PublishAsync(IMqttClient client, string topic, string payload) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    private static string Score(double score, long producedMs) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"anomaly_score\":[{score}],\"timestamp\":{producedMs / 1000},\"timestamp_ms\":{producedMs}}}");

    private static async Task<long> CountAsync(IHistoryStore store, int vehicle) =>
        (await store.ScoresAsync(vehicle, 0, long.MaxValue / 2, 1_000_000, CancellationToken.None)).Sum(b => b.Count);
}
