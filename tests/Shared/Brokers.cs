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

    /// <summary>MQTTnet's broker on a free port; a port another process takes between asking and binding is replaced.</summary>
    public static async Task<(MqttServer Server, int Port)> StartMqttNetAsync()
    {
        for (int attempt = 1; ; attempt++)
        {
            int port = FreePort();
            try
            {
                return (await StartMqttNetAsync(port), port);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 3)
            {
                // taken meanwhile: another port
            }
        }
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

        // A free port can be taken by another test process between asking and binding: mosquitto then
        // exits at once (a probe may even reach the other listener), and a port of our choosing is tried again.
        for (int start = 1; ; start++)
        {
            int listen = port ?? FreePort();
            string config = Path.Combine(directory, "mosquitto.conf");
            await File.WriteAllTextAsync(config, $"listener {listen} 127.0.0.1\nallow_anonymous {(allowAnonymous ? "true" : "false")}\npersistence false\n{extraConfig}");
            var process = Process.Start(new ProcessStartInfo(binary, ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            if (await ListeningAsync(process, listen))
            {
                return (process, listen, null);
            }

            if (!process.HasExited)
            {
                process.Kill();
            }

            string error = await process.StandardError.ReadToEndAsync();
            if (port is not null || start == 3 || !error.Contains("in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("mosquitto did not start listening: " + error);
            }

            process.Dispose();
        }
    }

    private static async Task<bool> ListeningAsync(Process process, int port)
    {
        for (int attempt = 0; attempt < 100 && !process.HasExited; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                await Task.Delay(100); // still running: the listener was its own
                return !process.HasExited;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        return false;
    }
}
