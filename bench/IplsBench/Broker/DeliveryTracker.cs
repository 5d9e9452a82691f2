using System.Diagnostics;

namespace IplsBench.Broker;

/// <summary>What the subscriber saw: distinct messages per publisher, duplicates, latencies, last delivery.</summary>
internal sealed class DeliveryTracker
{
    private readonly bool[][] _seen;
    private readonly double[] _latenciesMs;
    private readonly Lock _gate = new();
    private long _received;
    private long _duplicates;
    private long _foreign;
    private long _lastDelivery;

    public DeliveryTracker(BrokerLoad load)
    {
        _seen = Enumerable.Range(0, load.Publishers).Select(_ => new bool[load.MessagesPerPublisher]).ToArray();
        _latenciesMs = new double[load.Total];
    }

    public long Received => Interlocked.Read(ref _received);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Payloads that were not the benchmark's (should stay 0).</summary>
    public long Foreign => Interlocked.Read(ref _foreign);

    public long LastDeliveryTimestamp => Interlocked.Read(ref _lastDelivery);

    public void OnMessage(int publisher, int sequence, long sentTimestamp)
    {
        long now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if ((uint)publisher >= (uint)_seen.Length || (uint)sequence >= (uint)_seen[publisher].Length)
            {
                _foreign++;
                return;
            }

            if (_seen[publisher][sequence])
            {
                _duplicates++;
                return;
            }

            _seen[publisher][sequence] = true;
            _latenciesMs[_received] = Stopwatch.GetElapsedTime(sentTimestamp, now).TotalMilliseconds;
            _received++;
            _lastDelivery = now;
        }
    }

    public void OnForeign() => Interlocked.Increment(ref _foreign);

    /// <summary>Latency percentile (0–1) over the messages received.</summary>
    public double Percentile(double p)
    {
        lock (_gate)
        {
            if (_received == 0)
            {
                return double.NaN;
            }

            var sorted = _latenciesMs.AsSpan(0, (int)_received).ToArray();
            Array.Sort(sorted);
            return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p * sorted.Length))];
        }
    }
}
