using System.Diagnostics;

namespace IplsCore.Tests;

/// <summary>Waits for a condition in real time, failing with what was awaited. Generous: CI has 2 cores.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, int seconds = 30)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(seconds), "timed out waiting until " + what);
            await Task.Delay(50);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(seconds), "timed out waiting until " + what);
            await Task.Delay(100);
        }
    }
}
