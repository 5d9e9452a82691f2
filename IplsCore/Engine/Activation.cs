using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace IplsCore.Engine;

/// <summary>The two activations the network uses: ReLU on hidden layers, sigmoid on the output.</summary>
internal static class Activation
{
    public static void Relu(Span<float> values) => TensorPrimitives.Max(values, 0f, values);

    public static void Sigmoid(Span<float> values) => TensorPrimitives.Sigmoid(values, values);

    /// <summary>delta[i] = activation[i] &gt; 0 ? delta[i] : 0, the ReLU derivative applied in place.</summary>
    public static void ReluBackward(ReadOnlySpan<float> activation, Span<float> delta)
    {
        if (activation.Length != delta.Length)
        {
            throw new ArgumentException("Activation and delta lengths differ.", nameof(delta));
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref float a = ref MemoryMarshal.GetReference(activation);
            ref float d = ref MemoryMarshal.GetReference(delta);
            for (; i + Vector<float>.Count <= delta.Length; i += Vector<float>.Count)
            {
                var mask = Vector.GreaterThan(Vector.LoadUnsafe(ref a, (nuint)i), Vector<float>.Zero);
                Vector.ConditionalSelect(mask, Vector.LoadUnsafe(ref d, (nuint)i), Vector<float>.Zero).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < delta.Length; i++)
        {
            if (activation[i] <= 0f)
            {
                delta[i] = 0f;
            }
        }
    }
}
