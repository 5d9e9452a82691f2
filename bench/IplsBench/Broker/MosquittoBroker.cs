using System.Diagnostics;
using System.Net.Sockets;

namespace IplsBench.Broker;

/// <summary>Debian's mosquitto as the yardstick, when installed: unlimited queues, so it never drops.</summary>
internal sealed class MosquittoBroker : IBenchBroker
{
    private readonly Process _process;
    private readonly string _directory;

    private MosquittoBroker(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        _directory = directory;
    }

    public string Name => "mosquitto";

    public int Port { get; }

    /// <summary>The broker's process (fleet-scale reads its CPU and memory from /proc).</summary>
    public int Pid => _process.Id;

    private static readonly string[] Candidates = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"];

    public static string? Executable => Candidates.FirstOrDefault(File.Exists);

    public static async Task<MosquittoBroker> StartAsync(CancellationToken cancellationToken)
    {
        string executable = Executable ?? throw new InvalidOperationException("mosquitto is not installed (apt-get install mosquitto)");
        int port = Agent.LocalBroker.FreePort();
        string directory = Directory.CreateTempSubdirectory("ipls-bench-mosquitto-").FullName;
        string config = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\nmax_inflight_messages 0\npersistence false\n", cancellationToken).ConfigureAwait(false);
        var process = Process.Start(new ProcessStartInfo(executable, ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("mosquitto did not start");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var broker = new MosquittoBroker(process, port, directory);
        for (int attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port, cancellationToken).ConfigureAwait(false);
                return broker;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }

        await broker.DisposeAsync().ConfigureAwait(false);
        throw new InvalidOperationException($"mosquitto did not listen on port {port}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
