using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace IplsCore.Transport.Kubo;

/// <summary>
/// Turns the Kubo RPC API multiaddr (Kubo's own <c>Addresses.API</c> form, as adConfig.json's
/// <c>ipfsAddress</c> carries it) into the HTTP base URI of its RPC API. Supported:
/// <c>/ip4/A/tcp/N</c>, <c>/ip6/A/tcp/N</c>, <c>/dns4/H/tcp/N</c>, <c>/dns6/H/tcp/N</c>, <c>/dns/H/tcp/N</c>,
/// each optionally followed by <c>/http</c>, or <c>/https</c> for TLS.
/// </summary>
public static class KuboApiAddress
{
    /// <summary>The base URI (<c>http://host:port/</c>); throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static Uri ToBaseUri(string multiaddr) =>
        TryParse(multiaddr, out var uri, out string? error) ? uri : throw new FormatException(error);

    public static bool TryParse(string? multiaddr, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? baseUri, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        baseUri = null;
        if (string.IsNullOrWhiteSpace(multiaddr))
        {
            error = "must be the Kubo API multiaddr, e.g. /ip4/127.0.0.1/tcp/5001";
            return false;
        }

        string[] parts = multiaddr.Trim().TrimEnd('/').Split('/');
        if (parts.Length < 3 || parts[0].Length != 0)
        {
            error = "must be a multiaddr like /ip4/127.0.0.1/tcp/5001 or /dns4/kubo/tcp/5001";
            return false;
        }

        string protocol = parts[1];
        string host = parts[2];
        switch (protocol)
        {
            case "ip4":
                if (!IPAddress.TryParse(host, out var v4) || v4.AddressFamily != AddressFamily.InterNetwork || host.Count(c => c == '.') != 3)
                {
                    error = $"\"{host}\" is not an IPv4 address";
                    return false;
                }

                break;
            case "ip6":
                if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
                {
                    error = $"\"{host}\" is not an IPv6 address";
                    return false;
                }

                host = "[" + host + "]";
                break;
            case "dns" or "dns4" or "dns6":
                if (Uri.CheckHostName(host) != UriHostNameType.Dns)
                {
                    error = $"\"{host}\" is not a DNS host name";
                    return false;
                }

                break;
            default:
                error = $"/{protocol} is not supported: the Kubo API is reached over TCP at /ip4, /ip6, /dns4, /dns6 or /dns (a unix socket or UDP address cannot be used)";
                return false;
        }

        if (parts.Length < 5 || parts[3] != "tcp")
        {
            error = parts.Length < 4 ? "needs /tcp/PORT after the host" : $"/{parts[3]} is not supported: the Kubo API needs /tcp/PORT after the host";
            return false;
        }

        if (!int.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            error = $"\"{parts[4]}\" is not a TCP port (1–65535)";
            return false;
        }

        string scheme = Uri.UriSchemeHttp;
        if (parts.Length > 5)
        {
            if (parts.Length > 6 || parts[5] is not ("http" or "https"))
            {
                error = $"\"/{string.Join('/', parts[5..])}\" after the port is not supported (only /http or /https)";
                return false;
            }

            scheme = parts[5];
        }

        baseUri = new Uri($"{scheme}://{host}:{port.ToString(CultureInfo.InvariantCulture)}/");
        error = null;
        return true;
    }
}
