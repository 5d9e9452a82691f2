namespace IplsWeb.Hosting;

/// <summary>Where the dashboard's broker is (section "Dashboard:Broker:Mode").</summary>
public enum BrokerMode
{
    /// <summary>The dashboard is the broker (MQTTnet in Kestrel: TCP and /mqtt); one site, the demo.</summary>
    Embedded,

    /// <summary>An MQTT broker of its own (mosquitto, EMQX, a cluster): the dashboard is one of its clients.</summary>
    External,
}

/// <summary>
/// The external broker the dashboard subscribes to in <see cref="BrokerMode.External"/> (section
/// "Dashboard:Broker:External"). The password is a secret: it is never logged, shown or given to agents.
/// </summary>
public sealed record ExternalBrokerOptions
{
    public const string DefaultClientId = "ipls-dashboard";

    /// <summary><c>mqtt://host[:1883]</c>, <c>mqtts://host[:8883]</c>, <c>ws://host:port/path</c> or <c>wss://host:port/path</c>.</summary>
    public string? Url { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>The broker keeps the session (subscriptions and queued messages) under this id: one per dashboard.</summary>
    public string ClientId { get; init; } = DefaultClientId;

    /// <summary>How long the broker keeps the session while the dashboard is away (a restart, an upgrade).</summary>
    public TimeSpan SessionExpiry { get; init; } = TimeSpan.FromHours(1);

    /// <summary>PEM file of the CA that signed the broker's certificate (mqtts/wss); empty: the system's trust store.</summary>
    public string? CaFile { get; init; }

    /// <summary>Accept any server certificate (tests with a self-signed broker only: it gives up the server's identity).</summary>
    public bool AllowUntrustedCertificates { get; init; }

    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Reconnect waits double from <see cref="ReconnectMinDelay"/> up to <see cref="ReconnectMaxDelay"/> (with jitter).</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The parsed <see cref="Url"/>; null when it is not a usable broker URL (see <see cref="Problems"/>).</summary>
    public Uri? BrokerUri => Uri.TryCreate(Url, UriKind.Absolute, out var uri) && uri.Scheme is "mqtt" or "mqtts" or "ws" or "wss" && uri.Host.Length > 0 ? uri : null;

    /// <summary>True for mqtts and wss.</summary>
    public bool UsesTls => BrokerUri?.Scheme is "mqtts" or "wss";

    /// <summary>True for ws and wss.</summary>
    public bool UsesWebSocket => BrokerUri?.Scheme is "ws" or "wss";

    /// <summary>The TCP port: the URL's, or the scheme's default (1883, 8883, 80, 443).</summary>
    public int Port => BrokerUri is not { } uri ? 0 : uri.IsDefaultPort || uri.Port < 0 ? uri.Scheme switch
    {
        "mqtts" => 8883,
        "ws" => 80,
        "wss" => 443,
        _ => 1883,
    } : uri.Port;

    public IEnumerable<string> Problems()
    {
        const string at = "Dashboard:Broker:External:";
        if (string.IsNullOrWhiteSpace(Url))
        {
            yield return $"{at}Url: required with Dashboard:Broker:Mode = External (mqtt://host:1883, mqtts://host:8883, ws://host:port/mqtt or wss://…)";
        }
        else if (BrokerUri is null)
        {
            yield return $"{at}Url = \"{Redacted(Url)}\": not a broker URL; mqtt://host:1883, mqtts://host:8883, ws://host:port/mqtt or wss://…";
        }
        else if (!string.IsNullOrEmpty(BrokerUri.UserInfo))
        {
            yield return $"{at}Url: no user or password in the URL; use {at}Username and {at}Password";
        }

        if (string.IsNullOrWhiteSpace(ClientId) || ClientId.Length > 128 || ClientId.Any(char.IsControl))
        {
            yield return $"{at}ClientId: 1–128 printable characters, one per dashboard (the broker keeps its session under it)";
        }

        if (!string.IsNullOrEmpty(Password) && string.IsNullOrEmpty(Username))
        {
            yield return $"{at}Password is set without {at}Username";
        }

        // MQTT 5 carries the expiry in whole seconds as a 32-bit number; 0 would end the session with the connection.
        if (SessionExpiry < TimeSpan.FromSeconds(1) || SessionExpiry.TotalSeconds >= uint.MaxValue)
        {
            yield return $"{at}SessionExpiry = {SessionExpiry}: at least 1 s (the broker keeps queued messages only for a session that outlives the connection)";
        }

        if (KeepAlive < TimeSpan.FromSeconds(1) || KeepAlive > TimeSpan.FromMinutes(30))
        {
            yield return $"{at}KeepAlive = {KeepAlive}: between 1 s and 30 min";
        }

        if (ReconnectMinDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectMinDelay || ReconnectMaxDelay > TimeSpan.FromMinutes(10))
        {
            yield return $"{at}ReconnectMinDelay = {ReconnectMinDelay}, ReconnectMaxDelay = {ReconnectMaxDelay}: need 0 < ReconnectMinDelay ≤ ReconnectMaxDelay ≤ 10 min";
        }

        if (!string.IsNullOrEmpty(CaFile) && !File.Exists(CaFile))
        {
            yield return $"{at}CaFile = \"{CaFile}\": no such file";
        }

        if ((!string.IsNullOrEmpty(CaFile) || AllowUntrustedCertificates) && BrokerUri is not null && !UsesTls)
        {
            yield return $"{at}CaFile/AllowUntrustedCertificates: only with mqtts:// or wss:// (the URL is {BrokerUri.Scheme}://)";
        }
    }

    // A URL in an error message must not carry a password someone put into it.
    private static string Redacted(string url)
    {
        int at = url.IndexOf('@', StringComparison.Ordinal);
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme >= 0 && scheme < at ? string.Concat(url.AsSpan(0, scheme + 3), "…", url.AsSpan(at)) : url;
    }
}
