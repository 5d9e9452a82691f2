using IplsCore.Data;

namespace IplsCore.Configuration;

/// <summary>An agent's built-in data generator for its own vehicle.</summary>
public sealed record GeneratorSettings
{
    public bool Enabled { get; init; }

    public GeneratorMode Mode { get; init; } = GeneratorMode.Normal;

    public double RateHz { get; init; } = 4;

    /// <summary>Null: synthetic data. Otherwise the reference-style pair of CSV files played back shuffled.</summary>
    public string? NormalFile { get; init; }

    public string? AnomalyFile { get; init; }

    public int Seed { get; init; } = 1;
}
