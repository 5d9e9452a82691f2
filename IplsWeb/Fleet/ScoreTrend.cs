namespace IplsWeb.Fleet;

/// <summary>
/// A vehicle's recent scores in a few fixed time buckets (count, above threshold, maximum), kept as
/// they arrive: the dense fleet overview sorts every vehicle by its share above the threshold and
/// draws a sparkline per visible row from this, in work that does not depend on the score rate.
/// </summary>
public sealed class ScoreTrend
{
    public const int Buckets = 30;
    public const long BucketMs = 10_000; // 30 × 10 s: the same five minutes as the cards

    private readonly long[] _index = new long[Buckets];
    private readonly int[] _count = new int[Buckets];
    private readonly int[] _above = new int[Buckets];
    private readonly float[] _max = new float[Buckets];
    private readonly Lock _gate = new();

    public ScoreTrend() => Array.Fill(_index, -1);

    /// <summary>Adds a score, counted as above or not against the threshold in force when it arrived.</summary>
    public void Add(ScorePoint point, bool above)
    {
        long index = point.AtUnixMs / BucketMs;
        int slot = (int)(index % Buckets);
        lock (_gate)
        {
            if (_index[slot] > index)
            {
                return; // older than the buckets kept
            }

            if (_index[slot] != index)
            {
                _index[slot] = index;
                _count[slot] = 0;
                _above[slot] = 0;
                _max[slot] = float.MinValue;
            }

            _count[slot]++;
            _above[slot] += above ? 1 : 0;
            _max[slot] = Math.Max(_max[slot], point.Score);
        }
    }

    /// <summary>
    /// The last five minutes up to <paramref name="nowUnixMs"/>: the share of scores above the threshold
    /// and, oldest first, each bucket's maximum (null for a bucket without scores).
    /// </summary>
    public (double ShareAbove, int Count, float?[] Maxima) Read(long nowUnixMs)
    {
        long newest = nowUnixMs / BucketMs;
        var maxima = new float?[Buckets];
        int count = 0;
        int above = 0;
        lock (_gate)
        {
            for (int i = 0; i < Buckets; i++)
            {
                long index = newest - (Buckets - 1) + i;
                int slot = (int)(((index % Buckets) + Buckets) % Buckets);
                if (index >= 0 && _index[slot] == index && _count[slot] > 0)
                {
                    maxima[i] = _max[slot];
                    count += _count[slot];
                    above += _above[slot];
                }
            }
        }

        return (count == 0 ? 0 : above / (double)count, count, maxima);
    }

    /// <summary>The share above the threshold over the last five minutes (no maxima: for sorting every vehicle).</summary>
    public double ShareAbove(long nowUnixMs)
    {
        long newest = nowUnixMs / BucketMs;
        int count = 0;
        int above = 0;
        lock (_gate)
        {
            for (int slot = 0; slot < Buckets; slot++)
            {
                if (_index[slot] > newest - Buckets && _index[slot] <= newest)
                {
                    count += _count[slot];
                    above += _above[slot];
                }
            }
        }

        return count == 0 ? 0 : above / (double)count;
    }
}
