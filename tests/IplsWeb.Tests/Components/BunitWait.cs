namespace IplsWeb.Tests.Components;

/// <summary>
/// How long a bUnit wait may take: bUnit's default second is too short when the whole solution's tests
/// share two cores (a render after a debounce timer or a JS call missed it 1 time in 9 full runs). A
/// wait ends as soon as its condition holds, so this costs nothing when things work.
/// </summary>
internal static class BunitWait
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
}
