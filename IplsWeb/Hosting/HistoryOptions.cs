using System.Text;
using IplsWeb.History;
using Npgsql;

namespace IplsWeb.Hosting;

/// <summary>Where and how scores and events are stored (section "Dashboard:History"). Retention is a runtime setting.</summary>
public sealed record HistoryOptions
{
    /// <summary>SQLite (a file in the data directory, the default) or Postgres (<see cref="ConnectionString"/>).</summary>
    public HistoryProvider Provider { get; init; } = HistoryProvider.Sqlite;

    /// <summary>Npgsql connection string for <see cref="HistoryProvider.Postgres"/>. A secret when it holds a password: logs name host and database only.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>How long the start waits for an unreachable database server (a compose stack starting together); then the dashboard does not start.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Rows waiting for the next write at most; beyond it rows are dropped and counted, never blocking the broker.</summary>
    public int QueueCapacity { get; init; } = 50_000;

    /// <summary>Rows written per transaction at most.</summary>
    public int MaxBatch { get; init; } = 2_000;

    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Problems()
    {
        if (QueueCapacity is < 1 or > 10_000_000 || MaxBatch is < 1 or > 100_000)
        {
            yield return $"Dashboard:History:QueueCapacity = {QueueCapacity}, MaxBatch = {MaxBatch}: QueueCapacity 1–10,000,000, MaxBatch 1–100,000";
        }

        if (FlushInterval < TimeSpan.FromMilliseconds(10) || FlushInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"Dashboard:History:FlushInterval = {FlushInterval}: between 10 ms and 1 min";
        }

        if (StartTimeout < TimeSpan.Zero || StartTimeout > TimeSpan.FromMinutes(10))
        {
            yield return $"Dashboard:History:StartTimeout = {StartTimeout}: between 0 and 10 min";
        }

        if (!Enum.IsDefined(Provider))
        {
            yield return $"Dashboard:History:Provider = {Provider}: Sqlite or Postgres";
        }
        else if (Provider == HistoryProvider.Sqlite && !string.IsNullOrEmpty(ConnectionString))
        {
            yield return "Dashboard:History:ConnectionString is set but Provider is Sqlite (the file is DataDirectory/history.db): set Provider = Postgres, or remove the connection string";
        }
        else if (Provider == HistoryProvider.Postgres && ConnectionStringProblem() is { } problem)
        {
            yield return problem;
        }
    }

    // Never echoes the string or the parser's message (either may carry the password): names the keys only.
    private string? ConnectionStringProblem()
    {
        const string Example = "e.g. Host=db;Port=5432;Database=ipls;Username=ipls;Password=...";
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            return $"Dashboard:History:ConnectionString: required with Provider = Postgres ({Example})";
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            var keys = ConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(part => part.Split('=')[0]);
            return $"Dashboard:History:ConnectionString: not a valid Npgsql connection string (keys given: {string.Join(", ", keys)}; an unknown key or a bad value; {Example})";
        }

        return string.IsNullOrWhiteSpace(builder.Host) ? $"Dashboard:History:ConnectionString: no Host ({Example})" : null;
    }

    // A record prints every property: keep the connection string (and its password) out of any ToString.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Provider = {Provider}, ConnectionString = {(ConnectionString is null ? "null" : "(set)")}, StartTimeout = {StartTimeout}, QueueCapacity = {QueueCapacity}, MaxBatch = {MaxBatch}, FlushInterval = {FlushInterval}");
        return true;
    }
}
