using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MQTTnet.Server;

namespace IplsCore.Tests.Transport;

/// <summary>Real MQTT brokers for transport tests: MQTTnet's server in-process, and Debian's mosquitto as a process.</summary>
internal static class Brokers
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<MqttServer> StartMqttNetAsync(int port)
    {
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(port)
            .Build();
        var server = new MqttServerFactory().CreateMqttServer(options);
        await server.StartAsync();
        return server;
    }

    /// <summary>
    /// Starts mosquitto on a free loopback port; null (with the reason) when it is not installed.
    /// <paramref name="extraConfig"/> lines are appended (a password file, queue limits); <paramref name="allowAnonymous"/> false demands credentials.
    /// </summary>
    public static async Task<(Process? Process, int Port, string? Missing)> StartMosquittoAsync(string directory, int? port = null, string extraConfig = "", bool allowAnonymous = true)
    {
        const string binary = "/usr/sbin/mosquitto";
        if (!File.Exists(binary))
        {
            return (null, 0, "mosquitto is not installed (apt-get install mosquitto; .ci/run does this)");
        }

        int listen = port ?? FreePort();
        string config = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"listener {listen} 127.0.0.1\nallow_anonymous {(allowAnonymous ? "true" : "false")}\npersistence false\n{extraConfig}");
        var process = Process.Start(new ProcessStartInfo(binary, ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        for (int attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, listen);
                return (process, listen, null);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        process.Kill();
        throw new InvalidOperationException("mosquitto did not start listening: " + await process.StandardError.ReadToEndAsync());
    }
}
