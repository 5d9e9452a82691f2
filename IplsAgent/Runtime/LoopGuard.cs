using Microsoft.Extensions.Logging;

namespace IplsAgent.Runtime;

/// <summary>
/// Keeps one of the agent's background loops alive: an exception nobody planned for is logged and the
/// loop starts again after a pause, so no outage or surprise ends scoring, training or the generator
/// for good. Cancellation of <c>stopping</c> ends it; the guard itself never throws.
/// </summary>
internal sealed partial class LoopGuard(ILogger logger, TimeProvider time, TimeSpan restartDelay)
{
    private long _restarts;

    /// <summary>How often a loop died and was started again (shown in the status as a rejection kind).</summary>
    public long Restarts => Interlocked.Read(ref _restarts);

    public async Task RunAsync(string name, Func<CancellationToken, Task> loop, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await loop(stopping).ConfigureAwait(false);
                return; // ended by itself (its input completed, or stopping)
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Interlocked.Increment(ref _restarts);
                LogLoopFailed(name, ex.GetType().Name, ex.Message, restartDelay.TotalSeconds);
            }

            try
            {
                await Task.Delay(restartDelay, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error, Message = "The {Loop} loop failed ({Type}: {Reason}); it starts again in {Seconds} s")]
    private partial void LogLoopFailed(string loop, string type, string reason, double seconds);
}
