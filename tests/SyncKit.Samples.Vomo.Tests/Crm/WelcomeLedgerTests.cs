using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Samples.Vomo.Crm;

namespace SyncKit.Samples.Vomo.Tests.Crm;

/// <summary>The webhook's ledger of welcomes over years: sent rows keep guarding their users while their bodies go.</summary>
public sealed class WelcomeLedgerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vomo-welcomes-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(T0);
    private CrmDatabase? _database;

    private CrmDatabase Database => _database!;

    public async Task InitializeAsync() => _database = await CrmDatabase.OpenSqliteAsync(_path, webhook: null, _time, CancellationToken.None);

    public async Task DisposeAsync()
    {
        await Database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    [Fact]
    public async Task EmptySentAsync_WelcomesSentBeforeTheLimit_LoseTheirBodyButStillKeepTheirUsersFromBeingWelcomedAgain()
    {
        await RecordDueAsync("1", "2", "3");
        await SendAsync("1");
        _time.Advance(TimeSpan.FromDays(20));
        await SendAsync("2");
        _time.Advance(TimeSpan.FromDays(15));

        await using var connection = await Database.OpenConnectionAsync(CancellationToken.None);
        var emptied = await Database.Welcomes.EmptySentAsync(connection, _time.GetUtcNow() - TimeSpan.FromDays(30), 100, CancellationToken.None);

        emptied.Should().Be(1, "only welcome 1 was sent more than 30 days ago; 3 was never sent");
        (await BodiesAsync(connection)).Should().Equal("{}", Body("2"), Body("3"));
        (await Database.Welcomes.EmptySentAsync(connection, _time.GetUtcNow(), 100, CancellationToken.None)).Should().Be(1, "an emptied body is not counted again");
        await RecordDueAsync("1");
        (await Database.Welcomes.DueAsync(connection, "acme", 10, CancellationToken.None)).Should().Equal(["welcome:acme:3"], "the emptied row still says user 1 was welcomed");
    }

    private static WelcomeNotification Welcome(string user) => new("acme", user, $"user{user}@example.org");

    private static string Body(string user) => $$"""{"tenant":"acme","user_id":"{{user}}","email":"user{{user}}@example.org"}""";

    private async Task RecordDueAsync(params string[] users)
    {
        await using var connection = await Database.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        await Database.Welcomes.RecordDueAsync(transaction, users.Select(Welcome), CancellationToken.None);
        await transaction.CommitAsync();
    }

    private async Task SendAsync(string user)
    {
        await using var connection = await Database.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        await Database.Welcomes.SentAsync(transaction, Welcome(user).IdempotencyKey, CancellationToken.None);
        await transaction.CommitAsync();
    }

    private static async Task<List<string>> BodiesAsync(System.Data.Common.DbConnection connection)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT payload FROM vomo_welcomes ORDER BY idempotency_key";
        var bodies = new List<string>();
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            bodies.Add(reader.GetString(0));
        }

        return bodies;
    }
}
