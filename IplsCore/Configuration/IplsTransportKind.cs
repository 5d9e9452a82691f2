using System.Text.Json.Serialization;

namespace IplsCore.Configuration;

/// <summary>What carries the IPLS messages: the MQTT broker (default) or IPFS pubsub via Kubo (<c>"transport"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IplsTransportKind>))]
public enum IplsTransportKind
{
    [JsonStringEnumMemberName("mqtt")]
    Mqtt,

    [JsonStringEnumMemberName("ipfs")]
    Ipfs,
}
