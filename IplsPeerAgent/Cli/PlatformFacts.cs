using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace IplsPeerAgent.Cli;

/// <summary>
/// What the agent runs on, as the runtime sees it: the facts that differ between a Pi 4 and a
/// development machine and decide which SIMD kernels the engine takes.
/// </summary>
internal static class PlatformFacts
{
    public static IReadOnlyList<KeyValuePair<string, string>> Collect() =>
    [
        new("OS", RuntimeInformation.OSDescription),
        new("process architecture", RuntimeInformation.ProcessArchitecture.ToString()),
        new(".NET runtime", $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})"),
        new("processors", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)),
        new("Vector128 hardware accelerated", Vector128.IsHardwareAccelerated.ToString()),
        new("Vector256 hardware accelerated", Vector256.IsHardwareAccelerated.ToString()),
        new("Vector<float>.Count", Vector<float>.Count.ToString(CultureInfo.InvariantCulture)),
        new("instruction sets", InstructionSets()),
    ];

    private static string InstructionSets()
    {
        var sets = new List<string>();
        Add(sets, "AdvSimd", AdvSimd.IsSupported);
        Add(sets, "AdvSimd.Arm64", AdvSimd.Arm64.IsSupported);
        Add(sets, "SSE4.2", Sse42.IsSupported);
        Add(sets, "AVX2", Avx2.IsSupported);
        Add(sets, "FMA", Fma.IsSupported);
        Add(sets, "AVX-512F", Avx512F.IsSupported);
        return sets.Count == 0 ? "none (scalar fallback)" : string.Join(", ", sets);
    }

    private static void Add(List<string> sets, string name, bool supported)
    {
        if (supported)
        {
            sets.Add(name);
        }
    }
}
