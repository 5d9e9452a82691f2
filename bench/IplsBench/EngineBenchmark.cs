using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using IplsCore.Data;
using IplsCore.Engine;
using IplsCore.Scaling;

namespace IplsBench;

/// <summary>
/// Measures the engine the way the agent uses it: the default 4-64-32-16-32-64-4 network on
/// synthetic vehicle rows. Each figure is the best of three timed runs after a warm-up, on the
/// calling thread only.
/// </summary>
internal static class EngineBenchmark
{
    public static EngineFigures Run(TimeSpan perFigure)
    {
        var shape = NetworkShape.Default;
        var raw = SyntheticVehicleData.Generate(GeneratorMode.Normal, 8192, seed: 1);
        var scaler = MinMaxScaler.Fit(raw, 4);
        var scaled = new float[raw.Length];
        scaler.Transform(raw, scaled);

        double train32 = TrainRowsPerSecond(shape, scaled, 32, perFigure);
        double train1 = TrainRowsPerSecond(shape, scaled, 1, perFigure);

        var scorer = new AnomalyScorer(ScoringModel.Create(DenseNetwork.CreateXavier(shape, 1), scaler), maxBatch: 256);
        double scoreUs = ScoreMicrosecondsPerRow(scorer, raw, perFigure);
        double scoreBatch = ScoreBatchRowsPerSecond(scorer, raw.AsSpan(0, 4096 * 4).ToArray(), perFigure);
        double alloc = AllocatedBytesPerScoredRow(scorer, raw);
        return new EngineFigures(train32, train1, scoreUs, scoreBatch, alloc);
    }

    public static string Describe() =>
        $"{RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.FrameworkDescription}, Vector<float>.Count = {Vector<float>.Count}, {Environment.ProcessorCount} logical cores, 1 thread used";

    private static double TrainRowsPerSecond(NetworkShape shape, float[] scaled, int batch, TimeSpan duration)
    {
        var trainer = new AutoencoderTrainer(DenseNetwork.CreateXavier(shape, 1), new TrainingOptions { BatchSize = batch });
        int rows = scaled.Length / 4;
        int cursor = 0;
        return BestOfThree(duration, () =>
        {
            if (cursor + batch > rows)
            {
                cursor = 0;
            }

            trainer.TrainBatch(scaled.AsSpan(cursor * 4, batch * 4));
            cursor += batch;
            return batch;
        });
    }

    private static double ScoreMicrosecondsPerRow(AnomalyScorer scorer, float[] raw, TimeSpan duration)
    {
        int rows = raw.Length / 4;
        int cursor = 0;
        double rowsPerSecond = BestOfThree(duration, () =>
        {
            cursor = cursor + 1 == rows ? 0 : cursor + 1;
            scorer.Score(raw.AsSpan(cursor * 4, 4));
            return 1;
        });
        return 1e6 / rowsPerSecond;
    }

    private static double ScoreBatchRowsPerSecond(AnomalyScorer scorer, float[] batch, TimeSpan duration)
    {
        var scores = new float[batch.Length / 4];
        return BestOfThree(duration, () =>
        {
            scorer.Score(batch, scores);
            return scores.Length;
        });
    }

    private static double AllocatedBytesPerScoredRow(AnomalyScorer scorer, float[] raw)
    {
        var scores = new float[raw.Length / 4];
        scorer.Score(raw, scores);
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int singles = 100_000;
        for (int i = 0; i < singles; i++)
        {
            scorer.Score(raw.AsSpan((i % 8192) * 4, 4));
        }

        scorer.Score(raw, scores);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return allocated / (double)(singles + scores.Length);
    }

    /// <summary>Runs <paramref name="operation"/> (returning rows done) repeatedly; best rows/s of three runs.</summary>
    private static double BestOfThree(TimeSpan duration, Func<int> operation)
    {
        Measure(TimeSpan.FromTicks(duration.Ticks / 4), operation);
        double best = 0;
        for (int trial = 0; trial < 3; trial++)
        {
            best = Math.Max(best, Measure(duration / 3, operation));
        }

        return best;
    }

    private static double Measure(TimeSpan duration, Func<int> operation)
    {
        long rows = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            for (int i = 0; i < 64; i++)
            {
                rows += operation();
            }
        }

        return rows / watch.Elapsed.TotalSeconds;
    }
}
