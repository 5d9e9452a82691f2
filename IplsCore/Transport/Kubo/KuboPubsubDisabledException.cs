using System.Net;

namespace IplsCore.Transport.Kubo;

/// <summary>The daemon runs without pubsub (<c>Pubsub.Enabled</c> false, or no <c>--enable-pubsub-experiment</c>).</summary>
public sealed class KuboPubsubDisabledException : KuboException
{
    public KuboPubsubDisabledException()
    {
    }

    public KuboPubsubDisabledException(string message)
        : base(message)
    {
    }

    public KuboPubsubDisabledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KuboPubsubDisabledException(string command, HttpStatusCode status, string kuboMessage, int? kuboCode)
        : base(command, status, kuboMessage, kuboCode)
    {
    }
}
