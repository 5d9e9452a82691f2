using IplsCore.Messages;

namespace IplsAgent.Runtime;

/// <summary>What one agent run handled and dropped; updated from several loops, read for status.</summary>
internal sealed class AgentCounters
{
    private readonly long[] _payloadRejections = new long[Enum.GetValues<PayloadRejection>().Length];
    private long _samplesReceived;
    private long _samplesScored;
    private long _aboveThreshold;
    private long _scorePublishFailures;
    private long _trainingQueueDrops;
    private long _samplesWhileUnsynchronized;
    private long _generatorCommandsRejected;
    private long _generatorMissed;
    private long _generated;
    private int _lastScoreBits = BitConverter.SingleToInt32Bits(float.NaN);
    private int _lastLossBits = BitConverter.SingleToInt32Bits(float.NaN);

    public long SamplesReceived => Interlocked.Read(ref _samplesReceived);

    public long SamplesScored => Interlocked.Read(ref _samplesScored);

    public long AboveThreshold => Interlocked.Read(ref _aboveThreshold);

    public long ScorePublishFailures => Interlocked.Read(ref _scorePublishFailures);

    public long TrainingQueueDrops => Interlocked.Read(ref _trainingQueueDrops);

    /// <summary>Samples scored but not trained on because the peer did not hold the fleet model yet.</summary>
    public long SamplesWhileUnsynchronized => Interlocked.Read(ref _samplesWhileUnsynchronized);

    public long GeneratorCommandsRejected => Interlocked.Read(ref _generatorCommandsRejected);

    public long Generated => Interlocked.Read(ref _generated);

    public float? LastScore => NullIfNaN(Volatile.Read(ref _lastScoreBits));

    public float? LastLoss => NullIfNaN(Volatile.Read(ref _lastLossBits));

    public void Received() => Interlocked.Increment(ref _samplesReceived);

    public void Scored(float score, bool above)
    {
        Interlocked.Increment(ref _samplesScored);
        if (above)
        {
            Interlocked.Increment(ref _aboveThreshold);
        }

        Volatile.Write(ref _lastScoreBits, BitConverter.SingleToInt32Bits(score));
    }

    public void Rejected(PayloadRejection reason) => Interlocked.Increment(ref _payloadRejections[(int)reason]);

    public long RejectedCount(PayloadRejection reason) => Interlocked.Read(ref _payloadRejections[(int)reason]);

    public void ScorePublishFailed() => Interlocked.Increment(ref _scorePublishFailures);

    public void TrainingQueueDropped() => Interlocked.Increment(ref _trainingQueueDrops);

    public void SampleWhileUnsynchronized() => Interlocked.Increment(ref _samplesWhileUnsynchronized);

    public void GeneratorCommandRejected() => Interlocked.Increment(ref _generatorCommandsRejected);

    public void GeneratedOne() => Interlocked.Increment(ref _generated);

    /// <summary>Generator samples neither made up nor published (too far behind, or the broker was away).</summary>
    public long GeneratorMissedTotal => Interlocked.Read(ref _generatorMissed);

    public void GeneratorMissed(long count) => Interlocked.Add(ref _generatorMissed, count);

    public void RoundDone(float loss) => Volatile.Write(ref _lastLossBits, BitConverter.SingleToInt32Bits(loss));

    /// <summary>Sensor payload rejections by reason, for status.</summary>
    public Dictionary<PayloadRejection, long> PayloadRejections()
    {
        var result = new Dictionary<PayloadRejection, long>();
        for (int i = 0; i < _payloadRejections.Length; i++)
        {
            long count = Interlocked.Read(ref _payloadRejections[i]);
            if (count > 0)
            {
                result[(PayloadRejection)i] = count;
            }
        }

        return result;
    }

    private static float? NullIfNaN(int bits)
    {
        float value = BitConverter.Int32BitsToSingle(bits);
        return float.IsNaN(value) ? null : value;
    }
}
