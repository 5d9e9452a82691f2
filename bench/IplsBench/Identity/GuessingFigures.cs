namespace IplsBench.Identity;

/// <summary>Password guessing from one address against the embedded broker, while other addresses connect legitimately.</summary>
internal sealed record GuessingFigures
{
    public required double Seconds { get; init; }

    public required int AttackerConnections { get; init; }

    /// <summary>CONNECTs the attacker sent (each answered).</summary>
    public required long Attempts { get; init; }

    /// <summary>Attempts whose password was actually checked (answered "bad user name or password").</summary>
    public required long Checked { get; init; }

    /// <summary>Attempts refused unchecked while the address waited or was banned.</summary>
    public required long RefusedUnchecked { get; init; }

    /// <summary>Checked guesses per second from the one address: what an attacker can test.</summary>
    public required double GuessesPerSecond { get; init; }

    public required int LegitimateConnects { get; init; }

    public required int LegitimateFailures { get; init; }

    public required double LegitimateConnectP95Ms { get; init; }

    public required double LegitimateConnectMaxMs { get; init; }

    /// <summary>Rejected events the attack left in the fleet's event list.</summary>
    public required int Events { get; init; }
}
