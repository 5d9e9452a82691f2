namespace IplsPeerAgent.Cli;

/// <summary>Statistics of one file's scores. Percentiles interpolate linearly between ranks.</summary>
internal sealed record ScoreSummary(string File, int Rows, double Mean, double Median, double P90, double P99, double Max, double ShareAbove)
{
    public static ScoreSummary Compute(string file, ReadOnlySpan<float> scores, double threshold)
    {
        if (scores.IsEmpty)
        {
            return new ScoreSummary(file, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0);
        }

        var sorted = scores.ToArray();
        Array.Sort(sorted);
        double sum = 0;
        int above = 0;
        foreach (float score in sorted)
        {
            sum += score;
            if (score > threshold)
            {
                above++;
            }
        }

        return new ScoreSummary(
            file,
            sorted.Length,
            sum / sorted.Length,
            Percentile(sorted, 0.5),
            Percentile(sorted, 0.9),
            Percentile(sorted, 0.99),
            sorted[^1],
            above / (double)sorted.Length);
    }

    private static double Percentile(float[] sorted, double q)
    {
        double rank = q * (sorted.Length - 1);
        int low = (int)Math.Floor(rank);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((rank - low) * (sorted[high] - sorted[low]));
    }
}
