namespace IplsWeb.Hosting;

/// <summary>The local demo fleet the dashboard starts in-process (turn off for real deployments).</summary>
public sealed record DemoFleetOptions
{
    public bool Enabled { get; init; } = true;

    public int Peers { get; init; } = 4;

    public int Bootstrappers { get; init; } = 1;

    /// <summary>Generator rate of each demo vehicle (the reference's 4 Hz).</summary>
    public double RateHz { get; init; } = 4;
}
