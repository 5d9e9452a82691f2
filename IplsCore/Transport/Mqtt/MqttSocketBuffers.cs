using MQTTnet;

namespace IplsCore.Transport.Mqtt;

/// <summary>
/// MQTTnet's client pins its socket buffers to 8 KB. On loopback (MSS 64 KB) a subscriber with an 8 KB
/// receive window behind a broker that writes in bulk (Kestrel) stalls into TCP zero-window probing:
/// a few hundred messages a second with the process idle (measured with <c>ss -tmi</c>: wscale 0,
/// rwnd-limited 72 %). 256 KB lets the kernel window keep up; memory is the kernel's, per socket.
/// </summary>
public static class MqttSocketBuffers
{
    public const int Bytes = 256 * 1024;

    /// <summary>Call after the endpoint is set (WithTcpServer(host, port) or WithEndPoint): MQTTnet keeps the endpoint and replaces the TCP options.</summary>
    public static MqttClientOptionsBuilder WithSocketBuffers(this MqttClientOptionsBuilder builder, int bytes = Bytes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithTcpServer(tcp => tcp.BufferSize = bytes);
    }
}
