using Microsoft.AspNetCore.SignalR.Client;

namespace IplsAgent.Control;

/// <summary>Reconnects forever: exponential backoff with jitter between the configured bounds.</summary>
internal sealed class BackoffRetryPolicy(ControlClientOptions options) : IRetryPolicy
{
    public TimeSpan? NextRetryDelay(RetryContext retryContext) => Delay(retryContext.PreviousRetryCount, options);

    public static TimeSpan Delay(long attempt, ControlClientOptions options)
    {
        double factor = Math.Pow(2, Math.Min(attempt, 16));
        double ms = Math.Min(options.ReconnectMaxDelay.TotalMilliseconds, options.ReconnectMinDelay.TotalMilliseconds * factor);
        return TimeSpan.FromMilliseconds(ms * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }
}
