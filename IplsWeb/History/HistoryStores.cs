using IplsWeb.Hosting;

namespace IplsWeb.History;

/// <summary>Makes the configured store (no I/O: the writer opens it when the dashboard starts).</summary>
public static class HistoryStores
{
    public static IHistoryStore Create(DashboardOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        return options.History.Provider switch
        {
            HistoryProvider.Postgres => new PostgresHistoryStore(options.History.ConnectionString!, time, loggers.CreateLogger<PostgresHistoryStore>()),
            _ => new SqliteHistoryStore(Path.Combine(options.DataDirectory, "history.db")),
        };
    }
}
