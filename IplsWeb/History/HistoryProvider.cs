namespace IplsWeb.History;

/// <summary>Where the history is kept (<c>Dashboard:History:Provider</c>).</summary>
public enum HistoryProvider
{
    /// <summary>One SQLite file in the data directory (history.db): nothing to run beside the dashboard.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server (<c>Dashboard:History:ConnectionString</c>): for large fleets and long retention.</summary>
    Postgres,
}
