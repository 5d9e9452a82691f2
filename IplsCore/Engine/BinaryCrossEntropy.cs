namespace IplsCore.Engine;

/// <summary>
/// Binary cross-entropy over sigmoid outputs as DL4J's XENT: summed over outputs, averaged over the
/// batch. With a sigmoid output layer its gradient with respect to the pre-activation is (p − y)/B.
/// </summary>
internal static class BinaryCrossEntropy
{
    // Keeps log() finite when a sigmoid saturates to exactly 0 or 1 in float32.
    private const float Clamp = 1e-7f;

    /// <summary>Returns the loss and writes dL/dz into <paramref name="delta"/>.</summary>
    public static float LossAndDelta(ReadOnlySpan<float> output, ReadOnlySpan<float> target, int batch, Span<float> delta)
    {
        float inverseBatch = 1f / batch;
        double loss = 0;
        for (int i = 0; i < output.Length; i++)
        {
            float p = output[i];
            float y = target[i];
            float pc = Math.Clamp(p, Clamp, 1f - Clamp);
            loss -= (y * MathF.Log(pc)) + ((1f - y) * MathF.Log(1f - pc));
            delta[i] = (p - y) * inverseBatch;
        }

        return (float)(loss * inverseBatch);
    }

    /// <summary>The loss alone, for evaluation.</summary>
    public static float Loss(ReadOnlySpan<float> output, ReadOnlySpan<float> target, int batch)
    {
        double loss = 0;
        for (int i = 0; i < output.Length; i++)
        {
            float pc = Math.Clamp(output[i], Clamp, 1f - Clamp);
            float y = target[i];
            loss -= (y * MathF.Log(pc)) + ((1f - y) * MathF.Log(1f - pc));
        }

        return (float)(loss / batch);
    }
}
