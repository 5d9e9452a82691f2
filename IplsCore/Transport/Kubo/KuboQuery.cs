using System.Globalization;
using System.Text;

namespace IplsCore.Transport.Kubo;

/// <summary>
/// The query string of an RPC call: positional arguments as repeated <c>arg=</c>, flags as
/// <c>name=value</c>. Values are percent-encoded except for the characters multiaddrs, CIDs and
/// multibase topics are made of, so requests read like the contract's (<c>arg=/ip4/…/p2p/…</c>).
/// </summary>
internal sealed class KuboQuery
{
    private readonly StringBuilder _text = new();

    public static KuboQuery Empty => new();

    public KuboQuery Arg(string? value) => value is null ? this : Add("arg", value);

    public KuboQuery Add(string name, string value)
    {
        _text.Append(_text.Length == 0 ? '?' : '&').Append(name).Append('=');
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '/' or ':')
            {
                _text.Append(c);
            }
            else
            {
                _text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return this;
    }

    /// <summary>A Go duration (<c>5s</c>, <c>1500ms</c>) for Kubo's global <c>timeout</c> parameter.</summary>
    public KuboQuery Timeout(TimeSpan timeout)
    {
        long ms = (long)Math.Ceiling(timeout.TotalMilliseconds);
        return Add("timeout", ms % 1000 == 0 ? (ms / 1000).ToString(CultureInfo.InvariantCulture) + "s" : ms.ToString(CultureInfo.InvariantCulture) + "ms");
    }

    public override string ToString() => _text.ToString();
}
