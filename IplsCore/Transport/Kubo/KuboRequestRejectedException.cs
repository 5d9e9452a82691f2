using System.Net;

namespace IplsCore.Transport.Kubo;

/// <summary>
/// The daemon rejected the request before running the command (400 missing argument, 403 access
/// denied, 404 unknown command, 405 not POST), with a plain-text body rather than Kubo's JSON error.
/// </summary>
public sealed class KuboRequestRejectedException : KuboException
{
    public KuboRequestRejectedException()
    {
    }

    public KuboRequestRejectedException(string message)
        : base(message)
    {
    }

    public KuboRequestRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KuboRequestRejectedException(string command, HttpStatusCode status, string kuboMessage)
        : base(command, status, kuboMessage, kuboCode: null)
    {
    }
}
