using IplsCore.Ipls;

namespace IplsCore.Control;

/// <summary>An agent's periodic status, every few seconds.</summary>
public sealed record AgentStatusReport
{
    public required string AgentId { get; init; }

    public required int Vehicle { get; init; }

    public required PeerRole Role { get; init; }

    public required AgentRunState State { get; init; }

    public required DateTimeOffset At { get; init; }

    public required bool Synchronized { get; init; }

    public required bool BrokerConnected { get; init; }

    public required int RoundsDone { get; init; }

    public float? LastLoss { get; init; }

    public float? LastScore { get; init; }

    public required double Threshold { get; init; }

    public required long SamplesScored { get; init; }

    public required long ScoresAboveThreshold { get; init; }

    public string? GeneratorMode { get; init; }

    public required IReadOnlyList<PartitionStatus> Partitions { get; init; }

    public required IReadOnlyList<PeerSeen> Peers { get; init; }

    /// <summary>Dropped input by kind: sensor payload rejections, IPLS message rejections, full queues.</summary>
    public required IReadOnlyDictionary<string, long> Rejected { get; init; }

    public required double CpuPercent { get; init; }

    public required double MemoryMb { get; init; }

    /// <summary>True when CPU and memory are the hosting process's, shared with other agents (in-process demo agents).</summary>
    public bool SharedProcess { get; init; }
}
