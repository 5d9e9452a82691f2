using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IplsWeb.Tests.Identity;

/// <summary>
/// MQTT 3.1.1 on a bare socket, the way the reference's clients behave: a Paho client with client id ""
/// that publishes without ever running its network loop (so it never reads the CONNACK).
/// </summary>
internal static class RawMqtt
{
    public static byte[] Connect(string clientId, bool cleanSession, string? userName = null, string? password = null)
    {
        var body = new List<byte> { 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x04 };
        byte flags = (byte)((cleanSession ? 0x02 : 0) | (userName is null ? 0 : 0x80) | (password is null ? 0 : 0x40));
        body.Add(flags);
        body.AddRange([0x00, 0x3C]); // keep-alive 60 s
        AddString(body, clientId);
        if (userName is not null)
        {
            AddString(body, userName);
        }

        if (password is not null)
        {
            AddString(body, password);
        }

        return Packet(0x10, body);
    }

    public static byte[] Publish(string topic, string payload)
    {
        var body = new List<byte>();
        AddString(body, topic);
        body.AddRange(Encoding.UTF8.GetBytes(payload));
        return Packet(0x30, body); // QoS 0
    }

    /// <summary>Connects from <paramref name="local"/> (127.0.0.x) and returns the CONNACK return code (0 accepted, 2 identifier rejected, 3 unavailable, 4 bad credentials, 5 not authorized).</summary>
    public static async Task<int> ConnAckAsync(int port, byte[] connect, IPAddress? local = null)
    {
        using var socket = await OpenAsync(port, local);
        await socket.SendAsync(connect);
        var buffer = new byte[4];
        int read = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (read < 4)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), timeout.Token);
            if (n == 0)
            {
                throw new IOException($"the broker closed the connection after {read} bytes");
            }

            read += n;
        }

        Assert.Equal(0x20, buffer[0]);
        return buffer[3];
    }

    public static async Task<Socket> OpenAsync(int port, IPAddress? local = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (local is not null)
        {
            socket.Bind(new IPEndPoint(local, 0));
        }

        await socket.ConnectAsync(IPAddress.Loopback, port);
        return socket;
    }

    private static void AddString(List<byte> body, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        body.Add((byte)(bytes.Length >> 8));
        body.Add((byte)bytes.Length);
        body.AddRange(bytes);
    }

    private static byte[] Packet(byte header, List<byte> body)
    {
        var packet = new List<byte> { header };
        int length = body.Count;
        do
        {
            byte digit = (byte)(length % 128);
            length /= 128;
            packet.Add(length > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (length > 0);
        packet.AddRange(body);
        return [.. packet];
    }
}
