using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace IplsWeb.Tests.History;

/// <summary>A loopback TCP forwarder that can cut every connection and refuse new ones, then listen again on the same port: a database server going away and coming back.</summary>
internal sealed class TcpCutter : IDisposable
{
    private readonly int _target;
    private readonly ConcurrentDictionary<TcpClient, bool> _open = new();
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();

    public TcpCutter(int targetPort)
    {
        _target = targetPort;
        Port = DashboardHost.TwoFreePorts().First;
        Restore();
    }

    public int Port { get; }

    public void Restore()
    {
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptAsync(_listener, _stop.Token);
    }

    public void Cut()
    {
        _stop.Cancel();
        _listener?.Stop();
        foreach (var client in _open.Keys)
        {
            client.Dispose();
        }

        _open.Clear();
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(cancellationToken);
                var upstream = new TcpClient();
                await upstream.ConnectAsync(IPAddress.Loopback, _target, cancellationToken);
                _open[client] = true;
                _open[upstream] = true;
                _ = PumpAsync(client, upstream);
                _ = PumpAsync(upstream, client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // cut
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or SocketException)
        {
            // one side went
        }
        finally
        {
            from.Dispose();
            to.Dispose();
            _open.TryRemove(from, out _);
            _open.TryRemove(to, out _);
        }
    }

    public void Dispose()
    {
        Cut();
        _stop.Dispose();
    }
}
