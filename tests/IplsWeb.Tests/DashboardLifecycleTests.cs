using System.Diagnostics;
using IplsWeb.Hosting;
using MQTTnet;
using Xunit.Abstractions;

namespace IplsWeb.Tests;

/// <summary>The dashboard as an operator runs it: one per data directory, and a quick, clean SIGTERM.</summary>
public sealed class DashboardLifecycleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SecondDashboard_OnTheSameDataDirectory_RefusesToStart_WhateverItsPorts()
    {
        var host = await DashboardHost.StartAsync(peers: 0, bootstrappers: 0);
        host.KeepDataDirectory = true;
        var (http, mqtt) = DashboardHost.TwoFreePorts();
        string[] second = [$"--Dashboard:HttpPort={http}", $"--Dashboard:MqttPort={mqtt}", $"--Dashboard:DataDirectory={host.DataDirectory}", "--Dashboard:DemoFleet:Enabled=false"];

        var ex = Assert.Throws<DashboardConfigurationException>(() => DashboardApp.Build(second));
        Assert.Contains("in use by another dashboard", ex.Message, StringComparison.Ordinal);
        Assert.Contains(DataDirectoryLock.FileName, ex.Message, StringComparison.Ordinal);

        await host.DisposeAsync();
        var next = DashboardApp.Build(second); // the first one has stopped: its lock is gone
        await next.DisposeAsync();
        Directory.Delete(host.DataDirectory, recursive: true);
    }

    [Fact]
    public async Task Sigterm_ClosesMqttClientsAtOnce_AndTheProcessEndsWithinSeconds()
    {
        string data = Directory.CreateTempSubdirectory("ipls-web-sigterm-").FullName;
        var (httpPort, mqttPort) = DashboardHost.TwoFreePorts();
        using var process = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                DashboardDll, $"--Dashboard:HttpPort={httpPort}", $"--Dashboard:MqttPort={mqttPort}", $"--Dashboard:DataDirectory={data}",
                "--Dashboard:DemoFleet:Enabled=true", "--Dashboard:DemoFleet:Peers=1", "--Dashboard:DemoFleet:Bootstrappers=0", "--Logging:LogLevel:Default=Warning",
            },
            WorkingDirectory = Path.GetDirectoryName(DashboardDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        try
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            var closed = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
            var clock = new Stopwatch();
            client.DisconnectedAsync += e =>
            {
                if (e.ClientWasConnected && clock.IsRunning)
                {
                    closed.TrySetResult(clock.Elapsed);
                }

                return Task.CompletedTask;
            };
            await Eventually.TrueAsync(
                async () =>
                {
                    try
                    {
                        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mqttPort).WithKeepAlivePeriod(TimeSpan.FromSeconds(60)).Build());
                        return true;
                    }
                    catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
                    {
                        return false;
                    }
                },
                "the dashboard's broker accepts a client",
                seconds: 60);
            await Task.Delay(TimeSpan.FromSeconds(2)); // the demo agent is connected too

            Assert.True(client.IsConnected, "connected until the SIGTERM");
            clock.Start();
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            var disconnectedAfter = await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(exit.Token);
            var stopped = clock.Elapsed;
            output.WriteLine($"MQTT client closed after {disconnectedAfter.TotalSeconds:F2} s, process ended after {stopped.TotalSeconds:F2} s, exit code {process.ExitCode}");

            Assert.Equal(0, process.ExitCode);

            // The bound is 4 s of shutdown timeout plus a loaded machine's slack; it took 32 s before.
            Assert.True(disconnectedAfter < TimeSpan.FromSeconds(5), $"clients closed after {disconnectedAfter.TotalSeconds:F1} s");
            Assert.True(stopped < TimeSpan.FromSeconds(12), $"stopped after {stopped.TotalSeconds:F1} s");
            Assert.DoesNotContain("Unhandled exception", await stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>The dashboard as built in its own project (same configuration as the tests).</summary>
    private static string DashboardDll
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var root = testOutput;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "IplsWeb.sln")))
            {
                root = root.Parent;
            }

            return Path.Combine(root!.FullName, "IplsWeb", "bin", testOutput.Parent!.Name, testOutput.Name, "IplsWeb.dll");
        }
    }
}
