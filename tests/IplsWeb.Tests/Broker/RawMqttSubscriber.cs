using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IplsWeb.Tests.Broker;

/// <summary>
/// An MQTT 3.1.1 subscriber on a bare socket that connects, subscribes, and then never reads again:
/// the stuck device flow control must cope with. (MQTTnet's client always drains its socket.)
/// </summary>
internal sealed class RawMqttSubscriber : IDisposable
{
    private readonly Socket _socket;

    private RawMqttSubscriber(Socket socket) => _socket = socket;

    public static async Task<RawMqttSubscriber> ConnectAndStopReadingAsync(int port, string clientId, string topicFilter)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        byte[] id = Encoding.UTF8.GetBytes(clientId);
        byte[] filter = Encoding.UTF8.GetBytes(topicFilter);

        // CONNECT: protocol "MQTT" level 4, clean session, keep-alive 600 s.
        var connect = new List<byte> { 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x04, 0x02, 0x02, 0x58, 0x00, (byte)id.Length };
        connect.AddRange(id);
        await SendAsync(socket, 0x10, connect);
        await ReadExactlyAsync(socket, 4); // CONNACK

        // SUBSCRIBE packet id 1, QoS 1.
        var subscribe = new List<byte> { 0x00, 0x01, 0x00, (byte)filter.Length };
        subscribe.AddRange(filter);
        subscribe.Add(0x01);
        await SendAsync(socket, 0x82, subscribe);
        await ReadExactlyAsync(socket, 5); // SUBACK
        return new RawMqttSubscriber(socket);
    }

    public void Dispose() => _socket.Dispose();

    private static async Task SendAsync(Socket socket, byte header, List<byte> body)
    {
        var packet = new List<byte> { header, (byte)body.Count };
        packet.AddRange(body);
        await socket.SendAsync(packet.ToArray());
    }

    private static async Task ReadExactlyAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        int read = 0;
        while (read < count)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read));
            if (n == 0)
            {
                throw new IOException("the broker closed the connection");
            }

            read += n;
        }
    }
}
