using IplsWeb.History;

namespace IplsWeb.Tests.History;

/// <summary>The history contract on a real SQLite file.</summary>
public sealed class SqliteHistoryStoreTests : HistoryStoreContract
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ipls-history-").FullName;

    protected override Task<IHistoryStore> CreateStoreAsync() => Task.FromResult<IHistoryStore>(new SqliteHistoryStore(Path.Combine(_dir, "history.db")));

    protected override Task CleanUpAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }
}
