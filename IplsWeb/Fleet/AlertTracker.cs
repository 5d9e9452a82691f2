namespace IplsWeb.Fleet;

/// <summary>
/// Turns a vehicle's score stream into alerts, one per anomaly episode, instead of one event per
/// crossing: the score is smoothed (exponential moving average over about
/// <see cref="SmoothingSamples"/> scores) so a noisy score near the threshold does not flap, an
/// alert opens when the smoothed score goes above the threshold and resolves only after it has
/// stayed at or below it for <see cref="ResolveAfter"/> (score time, so replays and tests are exact).
/// </summary>
public sealed class AlertTracker
{
    public const int Kept = 500;

    private readonly Dictionary<int, Track> _tracks = [];
    private readonly LinkedList<Alert> _alerts = new();
    private readonly Lock _gate = new();

    /// <summary>Raised when an alert opens (state Firing) and when it resolves; the peak is not announced.</summary>
    public event Action<Alert>? Changed;

    public TimeSpan ResolveAfter { get; set; } = TimeSpan.FromSeconds(30);

    public int SmoothingSamples { get; set; } = 8;

    /// <summary>Alerts of this session, newest first (firing ones with their current peak).</summary>
    public IReadOnlyList<Alert> All()
    {
        lock (_gate)
        {
            return [.. _alerts.Select(a => _tracks.TryGetValue(a.Vehicle, out var t) && t.Open?.Key == a.Key ? t.Open : a)];
        }
    }

    public int FiringCount
    {
        get
        {
            lock (_gate)
            {
                return _tracks.Values.Count(t => t.Open is not null);
            }
        }
    }

    /// <summary>The open alert of a vehicle with its current peak, or null.</summary>
    public Alert? Firing(int vehicle)
    {
        lock (_gate)
        {
            return _tracks.GetValueOrDefault(vehicle)?.Open;
        }
    }

    /// <summary>The smoothed score of a vehicle (NaN before its first score).</summary>
    public double Smoothed(int vehicle)
    {
        lock (_gate)
        {
            return _tracks.TryGetValue(vehicle, out var t) ? t.Smoothed : double.NaN;
        }
    }

    /// <summary>The highest smoothed score of the vehicle's open alert (0 without one): how far it has come down shows adaptation.</summary>
    public double PeakSmoothed(int vehicle)
    {
        lock (_gate)
        {
            return _tracks.TryGetValue(vehicle, out var t) && t.Open is not null ? t.PeakSmoothed : 0;
        }
    }

    public void OnScore(int vehicle, double score, long atUnixMs, double threshold)
    {
        if (!double.IsFinite(score))
        {
            return;
        }

        Alert? changed = null;
        lock (_gate)
        {
            if (!_tracks.TryGetValue(vehicle, out var track))
            {
                track = new Track { Smoothed = score };
                _tracks[vehicle] = track;
            }
            else
            {
                double alpha = 2.0 / (Math.Max(1, SmoothingSamples) + 1);
                track.Smoothed += alpha * (score - track.Smoothed);
            }

            var at = DateTimeOffset.FromUnixTimeMilliseconds(atUnixMs);
            if (track.Open is { } open)
            {
                track.PeakSmoothed = Math.Max(track.PeakSmoothed, track.Smoothed);
                if (score > open.Peak)
                {
                    track.Open = open = open with { Peak = score };
                }

                if (track.Smoothed > threshold)
                {
                    track.BelowSince = null;
                }
                else
                {
                    track.BelowSince ??= at;
                    if (at - track.BelowSince.Value >= ResolveAfter)
                    {
                        changed = open with { ResolvedAt = at };
                        Replace(changed);
                        track.Open = null;
                        track.BelowSince = null;
                    }
                }
            }
            else if (track.Smoothed > threshold)
            {
                changed = new Alert(vehicle, at, null, score, threshold);
                track.Open = changed;
                track.PeakSmoothed = track.Smoothed;
                _alerts.AddFirst(changed);
                while (_alerts.Count > Kept)
                {
                    _alerts.RemoveLast();
                }
            }
        }

        if (changed is not null)
        {
            Changed?.Invoke(changed);
        }
    }

    private void Replace(Alert alert)
    {
        for (var node = _alerts.First; node is not null; node = node.Next)
        {
            if (node.Value.Key == alert.Key)
            {
                node.Value = alert;
                return;
            }
        }
    }

    private sealed class Track
    {
        public double Smoothed { get; set; }

        public Alert? Open { get; set; }

        public DateTimeOffset? BelowSince { get; set; }

        public double PeakSmoothed { get; set; }
    }
}
