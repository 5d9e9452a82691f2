namespace IplsCore.Ipls;

/// <summary>
/// Cuts the flat parameter vector into P contiguous partitions whose sizes differ by at most one.
/// (The reference used ⌊N/P⌋+1 per chunk, which leaves trailing partitions empty when P is large.)
/// </summary>
public sealed class PartitionLayout
{
    public PartitionLayout(int parameterCount, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parameterCount, 1);
        if (partitions < 1 || partitions > parameterCount)
        {
            throw new ArgumentOutOfRangeException(nameof(partitions), partitions, $"Partitions must be between 1 and the parameter count ({parameterCount}).");
        }

        ParameterCount = parameterCount;
        Count = partitions;
    }

    public int ParameterCount { get; }

    public int Count { get; }

    public int Offset(int partition)
    {
        CheckIndex(partition);
        int baseSize = ParameterCount / Count;
        int remainder = ParameterCount % Count;

        // The first `remainder` partitions are one longer.
        return (partition * baseSize) + Math.Min(partition, remainder);
    }

    public int Length(int partition)
    {
        CheckIndex(partition);
        return (ParameterCount / Count) + (partition < ParameterCount % Count ? 1 : 0);
    }

    public Range Range(int partition)
    {
        int offset = Offset(partition);
        return new Range(offset, offset + Length(partition));
    }

    private void CheckIndex(int partition)
    {
        if ((uint)partition >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(partition), partition, $"Partition index must be below {Count}.");
        }
    }
}
