using System.Net;

namespace IplsCore.Transport.Kubo;

/// <summary>
/// js-ipfs refused a publish because no peer subscribes to the topic yet (<c>PublishError.InsufficientPeers</c>,
/// HTTP 500). Kubo answers the same situation with 200 and the message goes nowhere; either way it is
/// transient (peers are still joining, or a daemon just restarted), not a broken daemon.
/// </summary>
public sealed class KuboNoTopicPeersException : KuboException
{
    public KuboNoTopicPeersException()
    {
    }

    public KuboNoTopicPeersException(string message)
        : base(message)
    {
    }

    public KuboNoTopicPeersException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KuboNoTopicPeersException(string command, HttpStatusCode status, string kuboMessage, int? kuboCode)
        : base(command, status, kuboMessage, kuboCode)
    {
    }
}
