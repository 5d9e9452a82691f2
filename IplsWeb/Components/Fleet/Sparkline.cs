using System.Globalization;
using System.Text;

namespace IplsWeb.Components.Fleet;

/// <summary>
/// A score trend as an inline SVG polyline: one point per <see cref="IplsWeb.Fleet.ScoreTrend"/>
/// bucket maximum, scaled so the threshold sits at the same height for every row. Plain markup, no
/// chart instance: the dense overview draws one per visible row.
/// </summary>
public readonly record struct Sparkline(string Points, double ThresholdY, float? Peak, bool PeakAbove)
{
    public const int Width = 120;
    public const int Height = 24;

    public static Sparkline From(float?[] maxima, double threshold)
    {
        ArgumentNullException.ThrowIfNull(maxima);
        float? peak = null;
        foreach (float? m in maxima)
        {
            if (m is { } v && (peak is null || v > peak))
            {
                peak = v;
            }
        }

        // The threshold at 60 % of the height unless the peak needs more room.
        double top = Math.Max(threshold / 0.6, peak ?? 0);
        var points = new StringBuilder();
        double step = maxima.Length > 1 ? Width / (double)(maxima.Length - 1) : 0;
        for (int i = 0; i < maxima.Length; i++)
        {
            if (maxima[i] is not { } value)
            {
                continue;
            }

            double y = Height - 1 - (Math.Clamp(value / top, 0, 1) * (Height - 2));
            points.Append(CultureInfo.InvariantCulture, $"{i * step:F1},{y:F1} ");
        }

        double thresholdY = Height - 1 - (Math.Clamp(threshold / top, 0, 1) * (Height - 2));
        return new Sparkline(points.ToString().TrimEnd(), thresholdY, peak, peak > threshold);
    }
}
