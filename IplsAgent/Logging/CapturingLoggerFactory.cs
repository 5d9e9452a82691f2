using IplsCore.Control;
using Microsoft.Extensions.Logging;

namespace IplsAgent.Logging;

/// <summary>
/// Wraps the host's logger factory for one agent: every line still goes to the host's logging and
/// lines at <see cref="LogLevel.Information"/> or above are also kept in the agent's
/// <see cref="RecentLogs"/>, so several agents in one process each report only their own.
/// </summary>
public sealed class CapturingLoggerFactory(ILoggerFactory inner, RecentLogs recent, TimeProvider time, string agentId) : ILoggerFactory
{
    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public ILogger CreateLogger(string categoryName) => new TeeLogger(inner.CreateLogger(categoryName), categoryName, recent, time, agentId);

    public void Dispose()
    {
        // The inner factory belongs to the host.
    }

    private sealed class TeeLogger(ILogger inner, string category, RecentLogs recent, TimeProvider time, string agentId) : ILogger
    {
        private static readonly Func<ILogger, string, IDisposable?> AgentScope = LoggerMessage.DefineScope<string>("agent {Agent}");

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information || inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (inner.IsEnabled(logLevel))
            {
                using (AgentScope(inner, agentId))
                {
                    inner.Log(logLevel, eventId, state, exception, formatter);
                }
            }

            if (logLevel >= LogLevel.Information)
            {
                string message = formatter(state, exception);
                if (exception is not null)
                {
                    message += " — " + exception.Message;
                }

                recent.Add(new AgentLogLine(time.GetUtcNow(), logLevel.ToString(), category, message));
            }
        }
    }
}
