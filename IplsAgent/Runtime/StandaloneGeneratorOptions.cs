using IplsCore.Configuration;
using IplsCore.Data;

namespace IplsAgent.Runtime;

/// <summary>A vehicle's data generator on its own (<c>ipls-agent generate --publish</c>), like the reference's generator container.</summary>
public sealed record StandaloneGeneratorOptions
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    public required int Vehicle { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public GeneratorMode Mode { get; init; } = GeneratorMode.Normal;

    public double RateHz { get; init; } = 4;

    /// <summary>Stop after this long; null runs until cancelled (the reference's <c>total_runtime=0</c>).</summary>
    public TimeSpan? Runtime { get; init; }

    public string? NormalFile { get; init; }

    public string? AnomalyFile { get; init; }

    public int? Seed { get; init; }

    public string SensorTopic => $"vehicle/{Vehicle}";

    public string GeneratorTopic => $"vehicle/{Vehicle}/generator";

    internal GeneratorSettings Settings => new()
    {
        Enabled = true,
        Mode = Mode,
        RateHz = RateHz,
        NormalFile = NormalFile,
        AnomalyFile = AnomalyFile,
        Seed = Seed ?? Vehicle,
    };
}
