namespace IplsCore.Engine;

/// <summary>
/// Binary cross-entropy over sigmoid outputs as DL4J's XENT: summed over outputs, averaged over the
/// batch. With a sigmoid output layer its gradient with respect to the pre-activation is (p − y)/B.
/// Targets are clamped to [0, 1], the sigmoid's range: a scaled value outside the scaler's fitted
/// range (the tail of the data) would otherwise keep a gradient that never vanishes, and training
/// drives the weights around it without bound; the default model then scored rare normal samples
/// just past the range at 0.4–1.0 (docs/learning.md, "The false-alarm floor").
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
            float y = Math.Clamp(target[i], 0f, 1f);
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
            float y = Math.Clamp(target[i], 0f, 1f);
            loss -= (y * MathF.Log(pc)) + ((1f - y) * MathF.Log(1f - pc));
        }

        return (float)(loss / batch);
    }
}
