using System.Numerics.Tensors;

namespace IplsBench.Federation;

/// <summary>
/// The ideal centralized FedAvg server: it sees every vehicle's delta the moment the round ends and
/// applies the weighted mean of the deltas of each tick, with no loss and no delay, with the same
/// server step and momentum as the IPLS owners.
/// </summary>
internal sealed class CentralAggregator(float[] initialModel, double step, double momentum)
{
    private readonly float[] _model = (float[])initialModel.Clone();
    private readonly float[] _sum = new float[initialModel.Length];
    private readonly float[] _lastStep = new float[initialModel.Length];
    private readonly float[] _before = new float[initialModel.Length];
    private double _weight;

    public ReadOnlySpan<float> Model => _model;

    public void Add(ReadOnlySpan<float> delta, int samples)
    {
        TensorPrimitives.MultiplyAdd(delta, samples, _sum, _sum);
        _weight += samples;
    }

    /// <summary>Applies everything added since the last call (called once per simulation tick).</summary>
    public void Apply()
    {
        if (_weight <= 0)
        {
            return;
        }

        _model.CopyTo(_before, 0);
        TensorPrimitives.MultiplyAdd(_sum, (float)(-step / _weight), _model, _model);
        TensorPrimitives.MultiplyAdd(_lastStep, (float)momentum, _model, _model);
        TensorPrimitives.Subtract(_model, _before, _lastStep);
        Array.Clear(_sum);
        _weight = 0;
    }
}
