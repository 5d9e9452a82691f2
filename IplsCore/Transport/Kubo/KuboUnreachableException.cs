namespace IplsCore.Transport.Kubo;

/// <summary>No answer from the daemon: connection refused or dropped, DNS failure, or no response within the request timeout.</summary>
public sealed class KuboUnreachableException : KuboException
{
    public KuboUnreachableException()
    {
    }

    public KuboUnreachableException(string message)
        : base(message)
    {
    }

    public KuboUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
