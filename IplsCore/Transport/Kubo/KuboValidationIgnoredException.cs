using System.Net;

namespace IplsCore.Transport.Kubo;

/// <summary>
/// Kubo 0.40+ answered a publish with <c>validation ignored</c>: its seqno validator dropped the
/// message (typically two publishes racing on one daemon). Publishing again succeeds.
/// </summary>
public sealed class KuboValidationIgnoredException : KuboException
{
    public KuboValidationIgnoredException()
    {
    }

    public KuboValidationIgnoredException(string message)
        : base(message)
    {
    }

    public KuboValidationIgnoredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KuboValidationIgnoredException(string command, HttpStatusCode status, string kuboMessage, int? kuboCode)
        : base(command, status, kuboMessage, kuboCode)
    {
    }
}
