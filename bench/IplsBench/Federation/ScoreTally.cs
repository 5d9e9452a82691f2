namespace IplsBench.Federation;

/// <summary>Raw (unsmoothed) scores of one vehicle in a time window: their mean and how many crossed the threshold.</summary>
internal sealed class ScoreTally(DateTimeOffset from, DateTimeOffset until)
{
    private double _sum;

    public int Count { get; private set; }

    public int AboveThreshold { get; private set; }

    public double Mean => Count == 0 ? 0 : _sum / Count;

    public void Add(float score, DateTimeOffset now)
    {
        if (now < from || now >= until)
        {
            return;
        }

        _sum += score;
        Count++;
        if (score > DemoTiming.Threshold)
        {
            AboveThreshold++;
        }
    }
}
