using IplsCore.Data;

namespace IplsAgent.Runtime;

/// <summary>What an agent resumes from: the fleet model and partition versions, plus its run-time choices.</summary>
internal sealed record AgentCheckpoint(
    float[] Parameters,
    long[] Versions,
    int Rounds,
    double? Threshold,
    GeneratorMode? GeneratorMode,
    bool Stopped,
    DateTimeOffset SavedAt);
