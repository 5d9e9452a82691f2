using System.Net;

namespace IplsCore.Transport.Kubo;

/// <summary>
/// The Kubo daemon refused a command: its own message (from the JSON <c>{Message, Code, Type}</c> error
/// body, or the plain-text body of a request rejected before the command ran), the command and the
/// HTTP status. Subclasses name the refusals a caller treats differently.
/// </summary>
public class KuboException : Exception
{
    public KuboException()
    {
    }

    public KuboException(string message)
        : base(message)
    {
    }

    public KuboException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KuboException(string command, HttpStatusCode status, string kuboMessage, int? kuboCode)
        : base($"Kubo {command}: {kuboMessage}")
    {
        Command = command;
        Status = status;
        KuboMessage = kuboMessage;
        KuboCode = kuboCode;
    }

    /// <summary>The RPC command, e.g. <c>pubsub/pub</c>.</summary>
    public string? Command { get; }

    public HttpStatusCode? Status { get; }

    /// <summary>Kubo's message, verbatim.</summary>
    public string KuboMessage { get; } = string.Empty;

    /// <summary>Kubo's error code (0 normal, 1 client, 2 implementation, 3 rate-limited, 4 forbidden); null for a plain-text rejection.</summary>
    public int? KuboCode { get; }
}
