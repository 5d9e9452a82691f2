using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using IplsWeb.Fleet;
using IplsWeb.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace IplsBench.Identity;

/// <summary>
/// Several connections from 127.0.0.1 guess a vehicle's password as fast as the broker answers, while vehicles on
/// 127.0.0.2… connect with their real credentials twice a second. Raw MQTT 3.1.1 CONNECTs, answered CONNACKs counted.
/// </summary>
internal static class GuessingBenchmark
{
    public static async Task<GuessingFigures> RunAsync(TimeSpan duration, int attackerConnections, CancellationToken cancellationToken)
    {
        await using var dashboard = await BenchDashboard.StartAsync(cancellationToken, "--Dashboard:BindAddress=0.0.0.0", "--Dashboard:AdminPassword=bench-admin-password").ConfigureAwait(false);
        var credentials = dashboard.Services.GetRequiredService<VehicleCredentials>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        long attempts = 0, checkedCount = 0, refused = 0;
        var watch = Stopwatch.StartNew();
        var attackers = Enumerable.Range(0, attackerConnections).Select(worker => Task.Run(async () =>
        {
            int i = 0;
            while (!stop.IsCancellationRequested)
            {
                int code = await ConnAckAsync(dashboard.Port, Connect($"guess-{worker}-{i}", "vehicle-1", $"guess-{worker}-{i++}"), IPAddress.Loopback, stop.Token).ConfigureAwait(false);
                if (code < 0)
                {
                    break;
                }

                Interlocked.Increment(ref attempts);
                Interlocked.Increment(ref code == 4 ? ref checkedCount : ref refused);
            }
        })).ToList();

        var latencies = new List<double>();
        int failures = 0;
        var legitimate = Enumerable.Range(2, 8).Select(host => Task.Run(async () =>
        {
            var local = IPAddress.Parse($"127.0.0.{host}");
            while (!stop.IsCancellationRequested)
            {
                var one = Stopwatch.StartNew();
                int code = await ConnAckAsync(dashboard.Port, Connect($"vehicle-{host}", $"vehicle-{host}", credentials.Password(host)), local, stop.Token).ConfigureAwait(false);
                if (code < 0)
                {
                    break;
                }

                lock (latencies)
                {
                    latencies.Add(one.Elapsed.TotalMilliseconds);
                    failures += code == 0 ? 0 : 1;
                }

                try
                {
                    await Task.Delay(500, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        })).ToList();
        await Task.WhenAll([.. attackers, .. legitimate]).ConfigureAwait(false);
        double seconds = watch.Elapsed.TotalSeconds;
        latencies.Sort();
        var fleet = dashboard.Services.GetRequiredService<FleetState>();
        return new GuessingFigures
        {
            Seconds = seconds,
            AttackerConnections = attackerConnections,
            Attempts = attempts,
            Checked = checkedCount,
            RefusedUnchecked = refused,
            GuessesPerSecond = checkedCount / seconds,
            LegitimateConnects = latencies.Count,
            LegitimateFailures = failures,
            LegitimateConnectP95Ms = latencies.Count == 0 ? 0 : latencies[(int)(0.95 * (latencies.Count - 1))],
            LegitimateConnectMaxMs = latencies.Count == 0 ? 0 : latencies[^1],
            Events = fleet.Events().Count(e => e.Kind == FleetEventKind.Rejected),
        };
    }

    /// <summary>The CONNACK return code, or -1 when stopped.</summary>
    private static async Task<int> ConnAckAsync(int port, byte[] connect, IPAddress local, CancellationToken cancellationToken)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(local, 0));
            await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
            await socket.SendAsync(connect, cancellationToken).ConfigureAwait(false);
            var answer = new byte[4];
            int read = 0;
            while (read < 4)
            {
                int n = await socket.ReceiveAsync(answer.AsMemory(read), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new IOException("the broker closed the connection without a CONNACK");
                }

                read += n;
            }

            return answer[3];
        }
        catch (OperationCanceledException)
        {
            return -1;
        }
    }

    private static byte[] Connect(string clientId, string user, string password)
    {
        var body = new List<byte> { 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x04, 0xC2, 0x00, 0x3C };
        foreach (string field in new[] { clientId, user, password })
        {
            byte[] bytes = Encoding.UTF8.GetBytes(field);
            body.Add((byte)(bytes.Length >> 8));
            body.Add((byte)bytes.Length);
            body.AddRange(bytes);
        }

        return [0x10, (byte)body.Count, .. body];
    }
}
