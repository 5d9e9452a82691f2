using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace IplsCore.Engine;

/// <summary>
/// Small dense matrix kernels for the engine, row-major throughout: C[m×n] += op(A)·B[k×n].
/// The layers are tiny (4 to 64 wide), so per-call overhead of general BLAS-style helpers
/// dominates; these kernels keep a 4-row × 2-vector block of C in registers across the whole
/// k loop and broadcast A, which is what makes batch-32 training and batch-1 scoring fast.
/// Bounds are checked once per call; the inner loops use unchecked refs for speed.
/// </summary>
internal static class Gemm
{
    /// <summary>C[m×n] += A[m×k] · B[k×n].</summary>
    public static void MultiplyAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        Check(a, b, c, m, k, n);
        Kernel(a, rowStride: k, kStride: 1, b, c, m, k, n);
    }

    /// <summary>C[m×n] += Aᵀ · B[k×n], where A is stored k×m (so Aᵀ is m×k).</summary>
    public static void MultiplyAddTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        Check(a, b, c, m, k, n);
        Kernel(a, rowStride: 1, kStride: m, b, c, m, k, n);
    }

    private static void Check(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        if (m < 0 || k < 0 || n < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), "Matrix dimensions must not be negative.");
        }

        if (a.Length < m * k || b.Length < k * n || c.Length < m * n)
        {
            throw new ArgumentException($"Span too short for a {m}×{k} by {k}×{n} product.");
        }
    }

    private static void Kernel(ReadOnlySpan<float> aSpan, int rowStride, int kStride, ReadOnlySpan<float> bSpan, Span<float> cSpan, int m, int k, int n)
    {
        ref float a = ref MemoryMarshal.GetReference(aSpan);
        ref float b = ref MemoryMarshal.GetReference(bSpan);
        ref float c = ref MemoryMarshal.GetReference(cSpan);
        int w = Vector<float>.Count;

        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; j + 2 * w <= n; j += 2 * w)
            {
                int i = 0;
                for (; i + 4 <= m; i += 4)
                {
                    Block4x2(ref a, rowStride, kStride, ref b, ref c, i, j, k, n);
                }

                for (; i < m; i++)
                {
                    Block1x2(ref a, rowStride, kStride, ref b, ref c, i, j, k, n);
                }
            }

            for (; j + w <= n; j += w)
            {
                for (int i = 0; i < m; i++)
                {
                    Block1x1(ref a, rowStride, kStride, ref b, ref c, i, j, k, n);
                }
            }
        }

        if (j < n)
        {
            ScalarColumns(ref a, rowStride, kStride, ref b, ref c, j, m, k, n);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4x2(ref float a, int rowStride, int kStride, ref float b, ref float c, int i, int j, int k, int n)
    {
        int w = Vector<float>.Count;
        ref float c0 = ref Unsafe.Add(ref c, (nint)i * n + j);
        ref float c1 = ref Unsafe.Add(ref c0, n);
        ref float c2 = ref Unsafe.Add(ref c1, n);
        ref float c3 = ref Unsafe.Add(ref c2, n);
        var acc00 = Vector.LoadUnsafe(ref c0);
        var acc01 = Vector.LoadUnsafe(ref c0, (nuint)w);
        var acc10 = Vector.LoadUnsafe(ref c1);
        var acc11 = Vector.LoadUnsafe(ref c1, (nuint)w);
        var acc20 = Vector.LoadUnsafe(ref c2);
        var acc21 = Vector.LoadUnsafe(ref c2, (nuint)w);
        var acc30 = Vector.LoadUnsafe(ref c3);
        var acc31 = Vector.LoadUnsafe(ref c3, (nuint)w);
        ref float aRow = ref Unsafe.Add(ref a, (nint)i * rowStride);
        for (int kk = 0; kk < k; kk++)
        {
            ref float bRow = ref Unsafe.Add(ref b, (nint)kk * n + j);
            var b0 = Vector.LoadUnsafe(ref bRow);
            var b1 = Vector.LoadUnsafe(ref bRow, (nuint)w);
            ref float ak = ref Unsafe.Add(ref aRow, (nint)kk * kStride);
            var a0 = new Vector<float>(ak);
            var a1 = new Vector<float>(Unsafe.Add(ref ak, rowStride));
            var a2 = new Vector<float>(Unsafe.Add(ref ak, 2 * rowStride));
            var a3 = new Vector<float>(Unsafe.Add(ref ak, 3 * rowStride));
            acc00 = Vector.FusedMultiplyAdd(a0, b0, acc00);
            acc01 = Vector.FusedMultiplyAdd(a0, b1, acc01);
            acc10 = Vector.FusedMultiplyAdd(a1, b0, acc10);
            acc11 = Vector.FusedMultiplyAdd(a1, b1, acc11);
            acc20 = Vector.FusedMultiplyAdd(a2, b0, acc20);
            acc21 = Vector.FusedMultiplyAdd(a2, b1, acc21);
            acc30 = Vector.FusedMultiplyAdd(a3, b0, acc30);
            acc31 = Vector.FusedMultiplyAdd(a3, b1, acc31);
        }

        acc00.StoreUnsafe(ref c0);
        acc01.StoreUnsafe(ref c0, (nuint)w);
        acc10.StoreUnsafe(ref c1);
        acc11.StoreUnsafe(ref c1, (nuint)w);
        acc20.StoreUnsafe(ref c2);
        acc21.StoreUnsafe(ref c2, (nuint)w);
        acc30.StoreUnsafe(ref c3);
        acc31.StoreUnsafe(ref c3, (nuint)w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block1x2(ref float a, int rowStride, int kStride, ref float b, ref float c, int i, int j, int k, int n)
    {
        int w = Vector<float>.Count;
        ref float c0 = ref Unsafe.Add(ref c, (nint)i * n + j);
        var acc0 = Vector.LoadUnsafe(ref c0);
        var acc1 = Vector.LoadUnsafe(ref c0, (nuint)w);
        ref float aRow = ref Unsafe.Add(ref a, (nint)i * rowStride);
        for (int kk = 0; kk < k; kk++)
        {
            ref float bRow = ref Unsafe.Add(ref b, (nint)kk * n + j);
            var ak = new Vector<float>(Unsafe.Add(ref aRow, (nint)kk * kStride));
            acc0 = Vector.FusedMultiplyAdd(ak, Vector.LoadUnsafe(ref bRow), acc0);
            acc1 = Vector.FusedMultiplyAdd(ak, Vector.LoadUnsafe(ref bRow, (nuint)w), acc1);
        }

        acc0.StoreUnsafe(ref c0);
        acc1.StoreUnsafe(ref c0, (nuint)w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block1x1(ref float a, int rowStride, int kStride, ref float b, ref float c, int i, int j, int k, int n)
    {
        ref float c0 = ref Unsafe.Add(ref c, (nint)i * n + j);
        var acc = Vector.LoadUnsafe(ref c0);
        ref float aRow = ref Unsafe.Add(ref a, (nint)i * rowStride);
        for (int kk = 0; kk < k; kk++)
        {
            var ak = new Vector<float>(Unsafe.Add(ref aRow, (nint)kk * kStride));
            acc = Vector.FusedMultiplyAdd(ak, Vector.LoadUnsafe(ref Unsafe.Add(ref b, (nint)kk * n + j)), acc);
        }

        acc.StoreUnsafe(ref c0);
    }

    private static void ScalarColumns(ref float a, int rowStride, int kStride, ref float b, ref float c, int j0, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
        {
            ref float aRow = ref Unsafe.Add(ref a, (nint)i * rowStride);
            ref float cRow = ref Unsafe.Add(ref c, (nint)i * n);
            for (int j = j0; j < n; j++)
            {
                float sum = Unsafe.Add(ref cRow, j);
                for (int kk = 0; kk < k; kk++)
                {
                    sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref aRow, (nint)kk * kStride), Unsafe.Add(ref b, (nint)kk * n + j), sum);
                }

                Unsafe.Add(ref cRow, j) = sum;
            }
        }
    }
}
