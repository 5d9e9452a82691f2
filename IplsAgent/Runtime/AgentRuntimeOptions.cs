using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IplsAgent.Runtime;

/// <summary>What an agent needs from its host besides its settings.</summary>
public sealed record AgentRuntimeOptions
{
    public IAgentTransports Transports { get; init; } = new AgentTransports();

    public ILoggerFactory Loggers { get; init; } = NullLoggerFactory.Instance;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How often the IPLS node runs its periodic work.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Samples waiting for the trainer before new ones are dropped (and counted).</summary>
    public int TrainingQueueCapacity { get; init; } = 256;

    /// <summary>The agent shares its process with others (the dashboard's demo fleet): its CPU and memory are not its own.</summary>
    public bool SharedProcess { get; init; }
}
