using IplsCore.Engine;
using IplsCore.Scaling;

namespace IplsCore.Persistence;

/// <summary>A model read from disk: the network and, when the file carried one, its scaler.</summary>
public sealed record StoredModel(DenseNetwork Network, MinMaxScaler? Scaler);
