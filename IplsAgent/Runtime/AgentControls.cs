namespace IplsAgent.Runtime;

/// <summary>The run-time switches commands flip while the loops read them.</summary>
internal sealed class AgentControls(double threshold, bool consuming)
{
    private long _thresholdBits = BitConverter.DoubleToInt64Bits(threshold);
    private volatile bool _consuming = consuming;

    public double Threshold
    {
        get => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _thresholdBits));
        set => Interlocked.Exchange(ref _thresholdBits, BitConverter.DoubleToInt64Bits(value));
    }

    /// <summary>False after a stop command: sensor data is neither scored nor trained on.</summary>
    public bool Consuming
    {
        get => _consuming;
        set => _consuming = value;
    }
}
