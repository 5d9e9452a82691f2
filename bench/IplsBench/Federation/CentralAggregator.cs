namespace IplsBench.Federation;

/// <summary>
/// The ideal centralized FedAvg server: it sees every vehicle's delta the moment the round ends and
/// applies the sample-weighted mean of the deltas of each round, with no loss and no delay.
/// </summary>
internal sealed class CentralAggregator(float[] initialModel)
{
    private readonly float[] _model = (float[])initialModel.Clone();
    private readonly float[] _sum = new float[initialModel.Length];
    private double _weight;

    public ReadOnlySpan<float> Model => _model;

    public void Add(ReadOnlySpan<float> delta, int samples)
    {
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(delta, samples, _sum, _sum);
        _weight += samples;
    }

    /// <summary>Applies everything added since the last call (called once per simulation tick).</summary>
    public void Apply()
    {
        if (_weight <= 0)
        {
            return;
        }

        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(_sum, (float)(-1.0 / _weight), _model, _model);
        Array.Clear(_sum);
        _weight = 0;
    }
}
