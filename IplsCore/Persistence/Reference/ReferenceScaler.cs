namespace IplsCore.Persistence.Reference;

/// <summary>
/// The reference system's fitted min-max scaler: scaled x = (x − Min) / (Max − Min) · (TargetMax − TargetMin) + TargetMin.
/// Min and Max hold one value per input feature.
/// </summary>
public sealed record ReferenceScaler(float[] Min, float[] Max, double TargetMin, double TargetMax);
