using System.Diagnostics.CodeAnalysis;

namespace IplsCore.Data;

/// <summary>An endless stream of sensor samples, one fixed-length feature vector at a time.</summary>
/// <remarks>Implementations are not safe for concurrent calls to <see cref="Next"/>.</remarks>
public interface ISampleSource
{
    /// <summary>Number of features in each sample.</summary>
    int Features { get; }

    /// <summary>Writes the next sample into <paramref name="destination"/> without allocating.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/>'s length is not <see cref="Features"/>.</exception>
    [SuppressMessage(
        "Naming",
        "CA1716:Identifiers should not match keywords",
        Justification = "Next is the agreed name; the library targets C# callers, not Visual Basic.")]
    void Next(Span<float> destination);
}
