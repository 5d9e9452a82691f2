using IplsCore.Data;

namespace IplsAgent.Runtime;

/// <summary>
/// What an agent resumes from: the fleet model and partition versions, plus its run-time choices, and
/// with <c>scoreWith: personal</c> the vehicle's personal model (null: start it from the fleet model).
/// </summary>
internal sealed record AgentCheckpoint(
    float[] Parameters,
    long[] Versions,
    int Rounds,
    double? Threshold,
    GeneratorMode? GeneratorMode,
    bool Stopped,
    DateTimeOffset SavedAt,
    float[]? PersonalParameters = null);
