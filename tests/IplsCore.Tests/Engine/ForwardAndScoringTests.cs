using IplsCore.Engine;
using IplsCore.Scaling;

namespace IplsCore.Tests.Engine;

public class ForwardAndScoringTests
{
    private static readonly MinMaxScaler Identity1 = new([0f], [1f]);

    [Fact]
    public void Score_TinyNetwork_MatchesHandComputedValue()
    {
        // 1-1-1: h = relu(2·x − 1), out = sigmoid(0.5·h + 0.25). For x = 1: h = 1, out = sigmoid(0.75).
        var shape = NetworkShape.Create(1, 1, 1);
        var network = new DenseNetwork(shape, [2f, -1f, 0.5f, 0.25f]);
        var scorer = new AnomalyScorer(ScoringModel.Create(network, Identity1));

        float score = scorer.Score([1f]);

        Assert.Equal(1.0 - 0.679178699175393, score, 1e-6);
    }

    [Fact]
    public void Score_ReluClipsNegativePreActivation()
    {
        // x = 0.25: 2·0.25 − 1 = −0.5 → h = 0, out = sigmoid(0.25) = 0.562176500885798.
        var network = new DenseNetwork(NetworkShape.Create(1, 1, 1), [2f, -1f, 0.5f, 0.25f]);
        var scorer = new AnomalyScorer(ScoringModel.Create(network, Identity1));

        Assert.Equal(0.562176500885798 - 0.25, scorer.Score([0.25f]), 1e-6);
    }

    [Fact]
    public void Score_TwoInputs_UsesDl4jColumnMajorWeights()
    {
        // 2-2 network, W[i][j] at i + j·2: W = [[1, 0], [0, −1]] stored as [1, 0, 0, −1]; b = [0, 0].
        // x = (0.5, 0.25): z = (0.5, −0.25); out = (sigmoid(0.5), sigmoid(−0.25)).
        var network = new DenseNetwork(NetworkShape.Create(2, 2), [1f, 0f, 0f, -1f, 0f, 0f]);
        var scaler = new MinMaxScaler([0f, 0f], [1f, 1f]);
        var scorer = new AnomalyScorer(ScoringModel.Create(network, scaler));

        double d0 = 0.622459331201855 - 0.5;
        double d1 = 0.437823499114202 - 0.25;
        Assert.Equal(Math.Sqrt((d0 * d0) + (d1 * d1)), scorer.Score([0.5f, 0.25f]), 1e-6);
    }

    [Fact]
    public void Score_DefaultShape_MatchesNaiveDoubleImplementation()
    {
        var shape = NetworkShape.Default;
        var network = DenseNetwork.CreateXavier(shape, 7);
        var scaler = new MinMaxScaler([-5f, -5f, -7f, -7f], [2.5f, 2.5f, 7f, 7f]);
        var scorer = new AnomalyScorer(ScoringModel.Create(network, scaler), maxBatch: 16);
        var rows = ReferenceNetwork.RandomRows(50, 4, 11);
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = (rows[i] * 10f) - 5f;
        }

        var scores = new float[50];
        scorer.Score(rows, scores);

        var scaled = new float[rows.Length];
        scaler.Transform(rows, scaled);
        for (int r = 0; r < 50; r++)
        {
            double expected = ReferenceNetwork.Score(shape, network.Parameters, scaled.AsSpan(r * 4, 4));
            Assert.Equal(expected, scores[r], 1e-5);
            Assert.Equal(scores[r], scorer.Score(rows.AsSpan(r * 4, 4)), 1e-6f);
        }
    }

    [Fact]
    public void Score_NonFiniteInput_ThrowsNamingRowAndFeature()
    {
        var network = DenseNetwork.CreateXavier(NetworkShape.Default, 1);
        var scorer = new AnomalyScorer(ScoringModel.Create(network, new MinMaxScaler([0f, 0f, 0f, 0f], [1f, 1f, 1f, 1f])));
        float[] rows = [0.1f, 0.2f, 0.3f, 0.4f, 0.1f, float.NaN, 0.3f, 0.4f];

        var ex = Assert.Throws<NonFiniteValueException>(() => scorer.Score(rows, new float[2]));

        Assert.Equal("input row 1", ex.What);
        Assert.Equal(1, ex.Index);
        Assert.Throws<NonFiniteValueException>(() => scorer.Score([0f, float.PositiveInfinity, 0f, 0f]));
    }

    [Fact]
    public void Score_WrongRowLength_Throws()
    {
        var network = DenseNetwork.CreateXavier(NetworkShape.Default, 1);
        var scorer = new AnomalyScorer(ScoringModel.Create(network, new MinMaxScaler([0f, 0f, 0f, 0f], [1f, 1f, 1f, 1f])));

        Assert.Throws<ArgumentException>(() => scorer.Score([0f, 1f, 2f]));
    }

    [Fact]
    public void ScoringModelCreate_NonFiniteParameter_IsRejected()
    {
        var shape = NetworkShape.Create(1, 1, 1);
        var parameters = new float[] { 2f, float.NaN, 0.5f, 0.25f };

        var ex = Assert.Throws<NonFiniteValueException>(() => ScoringModel.Create(shape, parameters, Identity1));
        Assert.Equal(1, ex.Index);
    }

    [Fact]
    public void Score_SteadyState_AllocatesNothing()
    {
        var network = DenseNetwork.CreateXavier(NetworkShape.Default, 3);
        var scorer = new AnomalyScorer(ScoringModel.Create(network, new MinMaxScaler([-6f, -6f, -7f, -7f], [3f, 3f, 7f, 7f])));
        float[] row = [1.5f, 1.4f, 0.1f, -0.2f];
        var rows = ReferenceNetwork.RandomRows(600, 4, 2);
        var scores = new float[600];
        scorer.Score(row);
        scorer.Score(rows, scores);

        long before = GC.GetAllocatedBytesForCurrentThread();
        float sum = 0;
        for (int i = 0; i < 1000; i++)
        {
            sum += scorer.Score(row);
        }

        scorer.Score(rows, scores);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(sum > 0);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Model_SwappedToNewSnapshot_TakesEffectOnNextScore()
    {
        var scaler = new MinMaxScaler([0f], [1f]);
        var scorer = new AnomalyScorer(ScoringModel.Create(new DenseNetwork(NetworkShape.Create(1, 1, 1), [2f, -1f, 0.5f, 0.25f]), scaler));
        float before = scorer.Score([1f]);

        scorer.Model = ScoringModel.Create(new DenseNetwork(NetworkShape.Create(1, 2, 1), [1f, 1f, 0f, 0f, 1f, 1f, 0f]), scaler);
        float after = scorer.Score([1f]);

        Assert.NotEqual(before, after);
        Assert.Equal(1 - (1 / (1 + Math.Exp(-2))), after, 1e-6);
    }
}
