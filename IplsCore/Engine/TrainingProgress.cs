namespace IplsCore.Engine;

/// <summary>Reported after each epoch of a fit.</summary>
public readonly record struct TrainingProgress(int Epoch, int Epochs, float Loss);
