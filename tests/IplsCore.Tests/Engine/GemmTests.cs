using IplsCore.Engine;

namespace IplsCore.Tests.Engine;

public class GemmTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 1, 4, 64 }, { 3, 7, 5 }, { 4, 16, 16 }, { 5, 9, 17 }, { 32, 64, 32 }, { 7, 3, 33 }, { 9, 20, 40 }, { 32, 64, 4 }, { 2, 1, 8 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyAdd_MatchesNaiveProduct(int m, int k, int n)
    {
        var a = ReferenceNetwork.RandomRows(m, k, 1);
        var b = ReferenceNetwork.RandomRows(k, n, 2);
        var c = ReferenceNetwork.RandomRows(m, n, 3);
        var expected = (float[])c.Clone();
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = expected[(i * n) + j];
                for (int kk = 0; kk < k; kk++)
                {
                    sum += a[(i * k) + kk] * (double)b[(kk * n) + j];
                }

                expected[(i * n) + j] = (float)sum;
            }
        }

        Gemm.MultiplyAdd(a, b, c, m, k, n);

        for (int i = 0; i < c.Length; i++)
        {
            Assert.Equal(expected[i], c[i], 1e-4f);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyAddTransposedA_MatchesNaiveProduct(int m, int k, int n)
    {
        var a = ReferenceNetwork.RandomRows(k, m, 4); // stored k×m
        var b = ReferenceNetwork.RandomRows(k, n, 5);
        var c = new float[m * n];
        var expected = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int kk = 0; kk < k; kk++)
                {
                    sum += a[(kk * m) + i] * (double)b[(kk * n) + j];
                }

                expected[(i * n) + j] = (float)sum;
            }
        }

        Gemm.MultiplyAddTransposedA(a, b, c, m, k, n);

        for (int i = 0; i < c.Length; i++)
        {
            Assert.Equal(expected[i], c[i], 1e-4f);
        }
    }

    [Fact]
    public void MultiplyAdd_SpanTooShort_Throws()
    {
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyAdd(new float[5], new float[6], new float[6], 2, 3, 2));
    }
}
