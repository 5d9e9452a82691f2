using System.Numerics.Tensors;

namespace IplsCore.Engine;

/// <summary>
/// Mini-batch training of a <see cref="DenseNetwork"/> as an autoencoder (target = input) with
/// binary cross-entropy and Adam. Works on rows that are already scaled. All buffers are allocated
/// up front, so a training step allocates nothing. Not thread-safe: one trainer per network.
/// </summary>
public sealed class AutoencoderTrainer
{
    private readonly DenseNetwork _network;
    private readonly NetworkShape _shape;
    private readonly float[] _forwardLayout;
    private readonly float[][] _activations;
    private readonly float[] _delta;
    private readonly float[] _previousDelta;
    private readonly float[] _gradient;
    private readonly float[] _batchRows;
    private readonly Random _random;
    private int[] _order = [];

    public AutoencoderTrainer(DenseNetwork network, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (network.Shape.InputSize != network.Shape.OutputSize)
        {
            throw new ArgumentException($"An autoencoder needs input size = output size; {network.Shape} is not one.", nameof(network));
        }

        _network = network;
        _shape = network.Shape;
        Options = options;
        Optimizer = new AdamOptimizer(_shape.ParameterCount, options.Adam);
        int batch = options.BatchSize;
        _forwardLayout = new float[_shape.ParameterCount];
        _activations = ForwardPass.AllocateActivations(_shape, batch);
        _delta = new float[batch * _shape.MaxWidth];
        _previousDelta = new float[batch * _shape.MaxWidth];
        _gradient = new float[_shape.ParameterCount];
        _batchRows = new float[batch * _shape.InputSize];
        _random = new Random(options.Seed);
    }

    public DenseNetwork Network => _network;

    public TrainingOptions Options { get; }

    public AdamOptimizer Optimizer { get; }

    /// <summary>
    /// Trains for <see cref="TrainingOptions.Epochs"/> (or <paramref name="epochs"/>) over row-major
    /// scaled rows, the last batch of an epoch possibly smaller. Throws
    /// <see cref="NonFiniteValueException"/> before touching the parameters if data or a gradient is not finite.
    /// </summary>
    public TrainingResult Fit(ReadOnlySpan<float> scaledRows, int? epochs = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        int features = _shape.InputSize;
        if (scaledRows.Length == 0 || scaledRows.Length % features != 0)
        {
            throw new ArgumentException($"Expected one or more whole rows of {features} features, got {scaledRows.Length} values.", nameof(scaledRows));
        }

        FiniteCheck.ThrowIfNonFinite(scaledRows, "training data");
        int rows = scaledRows.Length / features;
        int epochCount = epochs ?? Options.Epochs;
        ArgumentOutOfRangeException.ThrowIfLessThan(epochCount, 1, nameof(epochs));
        EnsureOrder(rows);

        long steps = 0;
        float epochLoss = 0;
        int batchSize = Options.BatchSize;
        for (int epoch = 1; epoch <= epochCount; epoch++)
        {
            if (Options.Shuffle)
            {
                _random.Shuffle(_order.AsSpan(0, rows));
            }

            double lossSum = 0;
            for (int start = 0; start < rows; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int batch = Math.Min(batchSize, rows - start);
                ReadOnlySpan<float> batchRows;
                if (Options.Shuffle)
                {
                    for (int r = 0; r < batch; r++)
                    {
                        scaledRows.Slice(_order[start + r] * features, features).CopyTo(_batchRows.AsSpan(r * features, features));
                    }

                    batchRows = _batchRows.AsSpan(0, batch * features);
                }
                else
                {
                    batchRows = scaledRows.Slice(start * features, batch * features);
                }

                lossSum += TrainBatch(batchRows) * (double)batch;
                steps++;
            }

            epochLoss = (float)(lossSum / rows);
            progress?.Report(new TrainingProgress(epoch, epochCount, epochLoss));
        }

        return new TrainingResult(epochCount, steps, (long)rows * epochCount, epochLoss);
    }

    /// <summary>One Adam step on up to <see cref="TrainingOptions.BatchSize"/> scaled rows; returns the batch loss.</summary>
    public float TrainBatch(ReadOnlySpan<float> batchRows)
    {
        float loss = ComputeGradient(batchRows, _gradient);
        Optimizer.Step(_network.Parameters, _gradient);
        return loss;
    }

    /// <summary>Mean loss of the current parameters over scaled rows, without training.</summary>
    public float Evaluate(ReadOnlySpan<float> scaledRows)
    {
        int features = _shape.InputSize;
        int rows = scaledRows.Length / features;
        ForwardPass.BuildForwardLayout(_shape, _network.Parameters, _forwardLayout);
        double sum = 0;
        for (int start = 0; start < rows; start += Options.BatchSize)
        {
            int batch = Math.Min(Options.BatchSize, rows - start);
            var input = scaledRows.Slice(start * features, batch * features);
            ForwardPass.Run(_shape, _forwardLayout, input, batch, _activations);
            sum += BinaryCrossEntropy.Loss(_activations[^1].AsSpan(0, batch * features), input, batch) * (double)batch;
        }

        return (float)(sum / rows);
    }

    /// <summary>
    /// Forward and backward pass: writes dLoss/dParameters (storage layout) into
    /// <paramref name="gradient"/> and returns the loss. Parameters are not changed.
    /// </summary>
    internal float ComputeGradient(ReadOnlySpan<float> batchRows, Span<float> gradient)
    {
        int features = _shape.InputSize;
        int batch = batchRows.Length / features;
        if (batch < 1 || batch > Options.BatchSize || batchRows.Length % features != 0)
        {
            throw new ArgumentException($"A batch holds 1 to {Options.BatchSize} rows of {features} features.", nameof(batchRows));
        }

        ReadOnlySpan<float> parameters = _network.Parameters;
        ForwardPass.BuildForwardLayout(_shape, parameters, _forwardLayout);
        ForwardPass.Run(_shape, _forwardLayout, batchRows, batch, _activations);

        int last = _shape.Layers.Length - 1;
        var delta = _delta.AsSpan(0, batch * _shape.OutputSize);
        float loss = BinaryCrossEntropy.LossAndDelta(_activations[last].AsSpan(0, delta.Length), batchRows, batch, delta);

        gradient.Clear();
        var current = _delta;
        var previous = _previousDelta;
        for (int l = last; l >= 0; l--)
        {
            var layer = _shape.Layers[l];
            int nIn = layer.InputSize;
            int nOut = layer.OutputSize;
            var layerDelta = current.AsSpan(0, batch * nOut);
            ReadOnlySpan<float> input = l == 0 ? batchRows : _activations[l - 1].AsSpan(0, batch * nIn);

            // dW (stored [nOut][nIn]) = δᵀ·input; db = column sums of δ.
            Gemm.MultiplyAddTransposedA(layerDelta, input, gradient.Slice(layer.WeightOffset, layer.WeightCount), nOut, batch, nIn);
            var biasGradient = gradient.Slice(layer.BiasOffset, nOut);
            for (int r = 0; r < batch; r++)
            {
                TensorPrimitives.Add(biasGradient, layerDelta.Slice(r * nOut, nOut), biasGradient);
            }

            if (l > 0)
            {
                // δ_prev = (δ·W_stored) ⊙ ReLU'(input)
                var previousDelta = previous.AsSpan(0, batch * nIn);
                previousDelta.Clear();
                Gemm.MultiplyAdd(layerDelta, parameters.Slice(layer.WeightOffset, layer.WeightCount), previousDelta, batch, nOut, nIn);
                Activation.ReluBackward(input, previousDelta);
                (current, previous) = (previous, current);
            }
        }

        if (!float.IsFinite(loss))
        {
            throw new NonFiniteValueException("training loss", 0, loss);
        }

        FiniteCheck.ThrowIfNonFinite(gradient, "gradient");
        return loss;
    }

    private void EnsureOrder(int rows)
    {
        if (_order.Length < rows)
        {
            _order = new int[rows];
        }

        for (int i = 0; i < rows; i++)
        {
            _order[i] = i;
        }
    }
}
