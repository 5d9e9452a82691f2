namespace IplsWeb.Broker;

public enum ExternalBrokerState
{
    /// <summary>Started, not connected yet (the broker may be down: the dashboard runs and keeps trying).</summary>
    Connecting,

    Connected,

    /// <summary>Was connected, lost the connection, trying again with backoff.</summary>
    Reconnecting,

    Stopped,
}

/// <summary>
/// The dashboard's link to the external broker (Settings page and header). <paramref name="Broker"/> is the
/// URL without credentials; <paramref name="LastError"/> is the latest connect or connection error.
/// </summary>
public sealed record ExternalBrokerStatus(
    string Broker,
    string ClientId,
    ExternalBrokerState State,
    DateTimeOffset Since,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    long Connects,
    long Received,
    bool SessionResumed);
