using IplsCore.Engine;

namespace IplsCore.Tests.Engine;

public class TrainingTests
{
    [Fact]
    public void ComputeGradient_MatchesFiniteDifferencesOfNaiveLoss()
    {
        var shape = NetworkShape.Create(3, 7, 5, 9, 3);
        var network = DenseNetwork.CreateXavier(shape, 42);
        // Non-zero biases so ReLU units are active in both directions.
        var random = new Random(5);
        foreach (var layer in shape.Layers)
        {
            var biases = network.Biases(layer.Index);
            for (int i = 0; i < biases.Length; i++)
            {
                biases[i] = (float)((random.NextDouble() * 0.6) - 0.2);
            }
        }

        var rows = ReferenceNetwork.RandomRows(6, 3, 9);
        var trainer = new AutoencoderTrainer(network, new TrainingOptions { BatchSize = 6 });
        var gradient = new float[shape.ParameterCount];

        float loss = trainer.ComputeGradient(rows, gradient);

        Assert.Equal(ReferenceNetwork.Loss(shape, network.Parameters, rows, 6), loss, 1e-4);
        var probe = network.Parameters.ToArray();
        const double h = 1e-3;
        int checkedCount = 0;
        for (int p = 0; p < probe.Length; p++)
        {
            float original = probe[p];
            probe[p] = (float)(original + h);
            double plus = ReferenceNetwork.Loss(shape, probe, rows, 6);
            probe[p] = (float)(original - h);
            double minus = ReferenceNetwork.Loss(shape, probe, rows, 6);
            probe[p] = original;
            double numeric = (plus - minus) / (2 * h);
            Assert.True(
                Math.Abs(numeric - gradient[p]) <= 2e-3 + (2e-2 * Math.Abs(numeric)),
                $"parameter {p}: analytic {gradient[p]}, numeric {numeric}");
            checkedCount++;
        }

        Assert.Equal(shape.ParameterCount, checkedCount);
    }

    [Fact]
    public void CrossEntropy_ClampsTargetsToTheSigmoidsRange()
    {
        // A scaled value past the scaler's range is a target no sigmoid reaches: unclamped, its gradient
        // never vanishes and training grows the weights around it without bound.
        float[] output = [0.2f, 0.2f, 0.2f];
        float[] target = [-0.5f, 1.5f, 0.5f];
        float[] delta = new float[3];

        float loss = BinaryCrossEntropy.LossAndDelta(output, target, 1, delta);

        Assert.Equal([0.2f, 0.2f - 1f, 0.2f - 0.5f], delta);
        float[] clamped = [0f, 1f, 0.5f];
        Assert.Equal(BinaryCrossEntropy.Loss(output, clamped, 1), loss, 1e-6);
        Assert.Equal(loss, BinaryCrossEntropy.Loss(output, target, 1), 1e-6);
    }

    [Fact]
    public void AdamStep_MatchesHandComputedUpdate()
    {
        // t = 1: m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 0.00025,
        // α = 0.1·√0.001/0.1 = 0.0316228, update = α·0.05/(√0.00025 + 1e-8) = 0.1.
        var adam = new AdamOptimizer(1, new AdamOptions { LearningRate = 0.1f });
        float[] parameters = [1f];

        adam.Step(parameters, [0.5f]);

        Assert.Equal(0.9f, parameters[0], 1e-5f);
        Assert.Equal(1, adam.Steps);
    }

    [Fact]
    public void AdamStep_VectorAndScalarPathsAgree()
    {
        var adam = new AdamOptimizer(37, new AdamOptions { LearningRate = 0.01f });
        var parameters = ReferenceNetwork.RandomRows(37, 1, 1);
        var gradient = ReferenceNetwork.RandomRows(37, 1, 2);
        var expected = (float[])parameters.Clone();

        adam.Step(parameters, gradient);

        double alpha = 0.01 * Math.Sqrt(1 - 0.999) / (1 - 0.9);
        for (int i = 0; i < 37; i++)
        {
            double m = 0.1 * gradient[i];
            double v = 0.001 * gradient[i] * gradient[i];
            Assert.Equal(expected[i] - (alpha * m / (Math.Sqrt(v) + 1e-8)), parameters[i], 1e-5);
        }
    }

    [Fact]
    public void Fit_LearnsStructuredData_LossDrops()
    {
        var shape = NetworkShape.Default;
        var trainer = new AutoencoderTrainer(DenseNetwork.CreateXavier(shape, 123), new TrainingOptions { BatchSize = 32, Epochs = 30, Adam = new AdamOptions { LearningRate = 0.005f } });
        // Points on a line inside [0,1]^4: easy to reconstruct once learnt.
        var random = new Random(3);
        var rows = new float[2000 * 4];
        for (int r = 0; r < 2000; r++)
        {
            float t = (float)random.NextDouble();
            rows[(r * 4) + 0] = t;
            rows[(r * 4) + 1] = 1 - t;
            rows[(r * 4) + 2] = 0.5f;
            rows[(r * 4) + 3] = t * 0.5f;
        }

        float before = trainer.Evaluate(rows);
        var progress = new List<TrainingProgress>();
        var result = trainer.Fit(rows, progress: new SyncProgress(progress));
        float after = trainer.Evaluate(rows);

        Assert.Equal(30, progress.Count);
        Assert.Equal(30 * 63, result.Steps);
        Assert.True(after < before * 0.9, $"loss {before} -> {after}");
    }

    [Fact]
    public void Fit_SameSeed_IsDeterministic()
    {
        var rows = ReferenceNetwork.RandomRows(100, 4, 8);
        var a = new AutoencoderTrainer(DenseNetwork.CreateXavier(NetworkShape.Default, 1), new TrainingOptions { Epochs = 2, Seed = 9 });
        var b = new AutoencoderTrainer(DenseNetwork.CreateXavier(NetworkShape.Default, 1), new TrainingOptions { Epochs = 2, Seed = 9 });

        a.Fit(rows);
        b.Fit(rows);

        Assert.True(a.Network.Parameters.SequenceEqual(b.Network.Parameters));
    }

    [Fact]
    public void Fit_NonFiniteData_ThrowsAndLeavesParametersUnchanged()
    {
        var trainer = new AutoencoderTrainer(DenseNetwork.CreateXavier(NetworkShape.Default, 1), new TrainingOptions());
        var before = trainer.Network.Parameters.ToArray();
        var rows = ReferenceNetwork.RandomRows(10, 4, 8);
        rows[17] = float.NaN;

        var ex = Assert.Throws<NonFiniteValueException>(() => trainer.Fit(rows));

        Assert.Equal(17, ex.Index);
        Assert.True(before.AsSpan().SequenceEqual(trainer.Network.Parameters));
    }

    [Fact]
    public void TrainBatch_OverflowingGradient_ThrowsAndLeavesParametersUnchanged()
    {
        var network = DenseNetwork.CreateXavier(NetworkShape.Create(2, 3, 2), 1);
        network.Parameters.Fill(3e38f); // finite, but the forward pass overflows to infinity
        var trainer = new AutoencoderTrainer(network, new TrainingOptions { BatchSize = 2 });
        var before = network.Parameters.ToArray();

        Assert.Throws<NonFiniteValueException>(() => trainer.TrainBatch([0.5f, 0.5f, 0.2f, 0.9f]));

        Assert.True(before.AsSpan().SequenceEqual(network.Parameters));
        Assert.Equal(0, trainer.Optimizer.Steps);
    }

    [Fact]
    public void Xavier_IsSeededAndScaled()
    {
        var a = DenseNetwork.CreateXavier(NetworkShape.Default, 5);
        var b = DenseNetwork.CreateXavier(NetworkShape.Default, 5);
        var c = DenseNetwork.CreateXavier(NetworkShape.Default, 6);

        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        Assert.False(a.Parameters.SequenceEqual(c.Parameters));

        // 64→32 layer: variance 2/(64+32).
        var w = a.Weights(1);
        double sumSq = 0;
        foreach (float x in w)
        {
            sumSq += x * x;
        }

        Assert.Equal(2.0 / 96, sumSq / w.Length, 0.004);
        Assert.All(a.Biases(1).ToArray(), bias => Assert.Equal(0f, bias));
    }

    [Fact]
    public void SetParameters_RejectsNonFiniteAndWrongLength_ChangingNothing()
    {
        var network = DenseNetwork.CreateXavier(NetworkShape.Create(2, 2), 1);
        var before = network.Parameters.ToArray();

        Assert.Throws<NonFiniteValueException>(() => network.SetParameters([1f, 2f, float.PositiveInfinity, 4f, 5f, 6f]));
        Assert.Throws<ArgumentException>(() => network.SetParameters([1f, 2f]));
        Assert.Throws<NonFiniteValueException>(() => network.SetSlice(2, [float.NaN]));

        Assert.True(before.AsSpan().SequenceEqual(network.Parameters));
    }

    private sealed class SyncProgress(List<TrainingProgress> sink) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => sink.Add(value);
    }
}
