namespace IplsCore.Engine;

/// <summary>How a local fit runs: Adam settings, mini-batch size, epochs and the shuffle seed.</summary>
public sealed record TrainingOptions
{
    public AdamOptions Adam { get; init; } = new();

    /// <summary>Rows per Adam step. DL4J's ListDataSetIterator default, used by the reference, is 10.</summary>
    public int BatchSize { get; init; } = 32;

    public int Epochs { get; init; } = 1;

    /// <summary>Shuffle row order each epoch (seeded); the reference iterates in arrival order.</summary>
    public bool Shuffle { get; init; } = true;

    public int Seed { get; init; } = 123;

    public void Validate()
    {
        Adam.Validate();
        if (BatchSize < 1 || BatchSize > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Batch size must be between 1 and 65536.");
        }

        if (Epochs < 1 || Epochs > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be between 1 and 1,000,000.");
        }
    }
}
