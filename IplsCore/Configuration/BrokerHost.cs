namespace IplsCore.Configuration;

/// <summary>Broker addresses as the reference's configs write them.</summary>
public static class BrokerHost
{
    /// <summary>
    /// A wildcard address (<c>0.0.0.0</c>, <c>::</c>) names no host to connect to; Paho and mosquitto clients take it
    /// as this host, and the reference's adConfig.json says <c>"mqttBrokerip": "0.0.0.0"</c>. So do we.
    /// </summary>
    public static string ThisHostIfWildcard(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        string bare = host.Trim().TrimStart('[').TrimEnd(']');
        return System.Net.IPAddress.TryParse(bare, out var address) && (address.Equals(System.Net.IPAddress.Any) || address.Equals(System.Net.IPAddress.IPv6Any))
            ? (address.Equals(System.Net.IPAddress.Any) ? "127.0.0.1" : "::1")
            : host;
    }
}
