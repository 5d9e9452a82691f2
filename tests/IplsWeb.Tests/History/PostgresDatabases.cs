using Npgsql;

namespace IplsWeb.Tests.History;

/// <summary>A fresh database per test on the collection's server, so tests never see each other's rows.</summary>
internal static class PostgresDatabases
{
    public static async Task<string> CreateAsync(PostgresServer server)
    {
        string name = "history_" + Guid.NewGuid().ToString("N")[..16];
        await using (var source = NpgsqlDataSource.Create(server.ConnectionString))
        {
            await using var command = source.CreateCommand($"CREATE DATABASE {name}");
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString;
    }
}
