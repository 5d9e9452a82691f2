using System.Numerics;
using System.Runtime.InteropServices;

namespace IplsCore.Engine;

/// <summary>
/// Adam over the flat parameter vector, in DL4J's form: αₜ = lr·√(1−β2ᵗ)/(1−β1ᵗ) and
/// p −= αₜ·m/(√v + ε). One fused SIMD pass per step.
/// </summary>
public sealed class AdamOptimizer
{
    private readonly float[] _m;
    private readonly float[] _v;

    public AdamOptimizer(int parameterCount, AdamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _m = new float[parameterCount];
        _v = new float[parameterCount];
    }

    public AdamOptions Options { get; }

    /// <summary>Steps taken so far (t in the bias correction).</summary>
    public long Steps { get; private set; }

    /// <summary>Forgets the moment estimates, e.g. when the parameters were replaced by a fleet model.</summary>
    public void Reset()
    {
        Array.Clear(_m);
        Array.Clear(_v);
        Steps = 0;
    }

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (parameters.Length != _m.Length || gradient.Length != _m.Length)
        {
            throw new ArgumentException($"Adam was set up for {_m.Length} parameters.");
        }

        Steps++;
        float b1 = Options.Beta1;
        float b2 = Options.Beta2;
        double correction1 = 1.0 - Math.Pow(b1, Steps);
        double correction2 = 1.0 - Math.Pow(b2, Steps);
        float alpha = (float)(Options.LearningRate * Math.Sqrt(correction2) / correction1);
        float eps = Options.Epsilon;

        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        ref float m = ref MemoryMarshal.GetArrayDataReference(_m);
        ref float v = ref MemoryMarshal.GetArrayDataReference(_v);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vb1 = new Vector<float>(b1);
            var vb2 = new Vector<float>(b2);
            var v1b1 = new Vector<float>(1f - b1);
            var v1b2 = new Vector<float>(1f - b2);
            var valpha = new Vector<float>(alpha);
            var veps = new Vector<float>(eps);
            for (; i + Vector<float>.Count <= _m.Length; i += Vector<float>.Count)
            {
                nuint at = (nuint)i;
                var gi = Vector.LoadUnsafe(ref g, at);
                var mi = (vb1 * Vector.LoadUnsafe(ref m, at)) + (v1b1 * gi);
                var vi = (vb2 * Vector.LoadUnsafe(ref v, at)) + (v1b2 * gi * gi);
                mi.StoreUnsafe(ref m, at);
                vi.StoreUnsafe(ref v, at);
                (Vector.LoadUnsafe(ref p, at) - (valpha * mi / (Vector.SquareRoot(vi) + veps))).StoreUnsafe(ref p, at);
            }
        }

        for (; i < _m.Length; i++)
        {
            float gi = gradient[i];
            float mi = (b1 * _m[i]) + ((1f - b1) * gi);
            float vi = (b2 * _v[i]) + ((1f - b2) * gi * gi);
            _m[i] = mi;
            _v[i] = vi;
            parameters[i] -= alpha * mi / (MathF.Sqrt(vi) + eps);
        }
    }
}
