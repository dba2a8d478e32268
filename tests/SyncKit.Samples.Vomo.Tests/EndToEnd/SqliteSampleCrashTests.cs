using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace SyncKit.Samples.Vomo.Tests.EndToEnd;

/// <summary>The end-to-end crash scenario with the state and the CRM in one SQLite file.</summary>
public sealed class SqliteSampleCrashTests(ITestOutputHelper output) : SampleCrashScenario(output)
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vomo-crash-{Guid.NewGuid():N}.db");

    protected override string Store => $"sqlite:{_path}";

    protected override async Task<List<object?[]>> QueryAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await ReadAllAsync(command);
    }

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }

        return Task.CompletedTask;
    }
}
