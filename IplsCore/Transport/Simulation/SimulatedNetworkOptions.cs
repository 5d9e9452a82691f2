namespace IplsCore.Transport.Simulation;

/// <summary>Fault knobs of the simulated network; may be replaced during a run.</summary>
public sealed record SimulatedNetworkOptions
{
    /// <summary>Probability that one delivery is lost.</summary>
    public double LossRate { get; init; }

    /// <summary>Probability that one delivery arrives twice.</summary>
    public double DuplicateRate { get; init; }

    /// <summary>Fixed part of the delay of every delivery.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Uniform random extra delay in [0, Jitter); larger than the gap between messages, it reorders them.</summary>
    public TimeSpan Jitter { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Largest payload accepted by Publish and PutContent.</summary>
    public int MaxPayloadBytes { get; init; } = 256 * 1024;

    public void Validate()
    {
        if (LossRate is < 0 or > 1 || DuplicateRate is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(LossRate), "Loss and duplicate rates must lie in [0, 1].");
        }

        if (Delay < TimeSpan.Zero || Jitter < TimeSpan.Zero || MaxPayloadBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Delay), "Delay and jitter must not be negative; the payload limit must be positive.");
        }
    }
}
