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

    /// <summary>What carries IPLS: <c>mqtt</c>, or the IPFS daemon as it describes itself (<c>ipfs: js-ipfs 0.18.1, pubsub on</c>); null until known.</summary>
    public string? IplsNetwork { get; init; }

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
    public required AgentRejections Rejected { get; init; }

    /// <summary>
    /// <see cref="Rejected"/> as of this agent's previous report that a dashboard acknowledged: the
    /// dashboard records only the increase as new events, also when it has restarted since (it then
    /// has no earlier report of its own). Null from agents that predate it.
    /// </summary>
    public AgentRejections? RejectedBefore { get; init; }

    public required double CpuPercent { get; init; }

    public required double MemoryMb { get; init; }

    /// <summary>True when CPU and memory are the hosting process's, shared with other agents (in-process demo agents).</summary>
    public bool SharedProcess { get; init; }
}
