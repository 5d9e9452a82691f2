using System.Numerics;
using System.Runtime.InteropServices;

namespace IplsCore.Engine;

/// <summary>Fast scans for NaN and ±Infinity, so bad numbers are caught where they enter instead of spreading.</summary>
public static class FiniteCheck
{
    /// <summary>Index of the first NaN or infinite value, or -1 when all are finite.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            ref float start = ref MemoryMarshal.GetReference(values);
            int last = values.Length - Vector<float>.Count;
            for (; i <= last; i += Vector<float>.Count)
            {
                // x - x is 0 for every finite x and NaN for NaN and ±Inf.
                var v = Vector.LoadUnsafe(ref start, (nuint)i);
                if (!Vector.EqualsAll(v - v, Vector<float>.Zero))
                {
                    break;
                }
            }
        }

        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public static bool AllFinite(ReadOnlySpan<float> values) => IndexOfNonFinite(values) < 0;

    /// <summary>Throws <see cref="NonFiniteValueException"/> naming <paramref name="what"/> and the index when a value is not finite.</summary>
    public static void ThrowIfNonFinite(ReadOnlySpan<float> values, string what)
    {
        int index = IndexOfNonFinite(values);
        if (index >= 0)
        {
            throw new NonFiniteValueException(what, index, values[index]);
        }
    }
}
