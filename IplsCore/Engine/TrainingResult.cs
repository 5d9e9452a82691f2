namespace IplsCore.Engine;

/// <summary>What a fit did: Adam steps taken, rows seen, and the mean loss over the last epoch.</summary>
public readonly record struct TrainingResult(int Epochs, long Steps, long RowsSeen, float LastEpochLoss);
