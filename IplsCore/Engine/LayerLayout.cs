namespace IplsCore.Engine;

/// <summary>
/// Where one dense layer lives in the flat parameter vector. The layout is Deeplearning4j's, so
/// the reference model imports without reordering: the weights W[nIn, nOut] stored column-major
/// (W[i][j] at <c>WeightOffset + i + j·InputSize</c>, i.e. one contiguous row of nIn weights per
/// output unit), followed by the nOut biases.
/// </summary>
public readonly record struct LayerLayout(int Index, int InputSize, int OutputSize, int WeightOffset)
{
    public int WeightCount => InputSize * OutputSize;

    public int BiasOffset => WeightOffset + WeightCount;

    public int ParameterCount => WeightCount + OutputSize;

    public int End => BiasOffset + OutputSize;
}
