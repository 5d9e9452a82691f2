namespace IplsCore.Transport;

/// <summary>The network could not be reached within the allowed time; nothing was sent.</summary>
public sealed class TransportUnavailableException : Exception
{
    public TransportUnavailableException()
    {
    }

    public TransportUnavailableException(string message)
        : base(message)
    {
    }

    public TransportUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
