namespace IplsCore.Engine;

/// <summary>
/// The forward pass over a batch. It multiplies with a "forward layout" copy of the parameters in
/// which each layer's W is stored [nIn][nOut] row-major (the transpose of the storage layout), so the
/// kernel can vectorise over output units; biases keep their offsets.
/// </summary>
internal static class ForwardPass
{
    /// <summary>Writes the forward layout of <paramref name="parameters"/> into <paramref name="forward"/> (same length).</summary>
    public static void BuildForwardLayout(NetworkShape shape, ReadOnlySpan<float> parameters, Span<float> forward)
    {
        if (parameters.Length != shape.ParameterCount || forward.Length != shape.ParameterCount)
        {
            throw new ArgumentException($"Expected {shape.ParameterCount} parameters.");
        }

        foreach (var layer in shape.Layers)
        {
            int nIn = layer.InputSize;
            int nOut = layer.OutputSize;
            var src = parameters.Slice(layer.WeightOffset, layer.WeightCount);
            var dst = forward.Slice(layer.WeightOffset, layer.WeightCount);
            for (int j = 0; j < nOut; j++)
            {
                var row = src.Slice(j * nIn, nIn);
                for (int i = 0; i < nIn; i++)
                {
                    dst[(i * nOut) + j] = row[i];
                }
            }

            parameters.Slice(layer.BiasOffset, nOut).CopyTo(forward.Slice(layer.BiasOffset, nOut));
        }
    }

    /// <summary>
    /// Runs <paramref name="batch"/> rows of <paramref name="input"/> through the network. Layer l's
    /// activations end up in <c>activations[l]</c> (batch × size), the last one being the sigmoid output.
    /// </summary>
    public static void Run(NetworkShape shape, ReadOnlySpan<float> forwardLayout, ReadOnlySpan<float> input, int batch, float[][] activations)
    {
        ReadOnlySpan<float> x = input[..(batch * shape.InputSize)];
        int last = shape.Layers.Length - 1;
        foreach (var layer in shape.Layers)
        {
            int nOut = layer.OutputSize;
            var output = activations[layer.Index].AsSpan(0, batch * nOut);
            var bias = forwardLayout.Slice(layer.BiasOffset, nOut);
            for (int r = 0; r < batch; r++)
            {
                bias.CopyTo(output.Slice(r * nOut, nOut));
            }

            Gemm.MultiplyAdd(x, forwardLayout.Slice(layer.WeightOffset, layer.WeightCount), output, batch, layer.InputSize, nOut);
            if (layer.Index == last)
            {
                Activation.Sigmoid(output);
            }
            else
            {
                Activation.Relu(output);
            }

            x = output;
        }
    }

    /// <summary>One buffer per layer output, sized for <paramref name="maxBatch"/> rows.</summary>
    public static float[][] AllocateActivations(NetworkShape shape, int maxBatch)
    {
        var buffers = new float[shape.Layers.Length][];
        foreach (var layer in shape.Layers)
        {
            buffers[layer.Index] = new float[maxBatch * layer.OutputSize];
        }

        return buffers;
    }
}
