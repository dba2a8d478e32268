using Npgsql;
using SyncKit.TestPostgres;

namespace SyncKit.Postgres.Tests.Sources;

/// <summary>
/// A database of its own per test class (a horizon is held by any open transaction in the database, so other tests'
/// transactions must not reach it), with an <c>invoices</c> table keyed by <c>bigint</c>.
/// </summary>
public abstract class TableSourceTestBase : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected static readonly JobId Job = new("billing", "invoices");

    private readonly List<IAsyncDisposable> _disposables = [];

    protected ScratchDatabase Database { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        var server = await PostgresServer.InstanceAsync();
        Database = await ScratchDatabase.CreateAsync(server.ConnectionString, "table_source");
        await Database.ExecuteAsync("""
            CREATE TABLE invoices (id bigint PRIMARY KEY, customer text NOT NULL, updated_at timestamptz NOT NULL);
            CREATE INDEX invoices_changes ON invoices (updated_at, id);
            """);
    }

    public async Task DisposeAsync()
    {
        _disposables.Reverse();
        foreach (var disposable in _disposables)
        {
            await disposable.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    /// <summary>A source over <c>invoices</c> (or what <paramref name="configure"/> names) mapping each row to its customer.</summary>
    protected PostgresTableSource<string> Source(Action<PostgresTableSourceOptions>? configure = null, NpgsqlDataSource? dataSource = null)
    {
        var options = new PostgresTableSourceOptions { Table = "invoices" };
        configure?.Invoke(options);
        return new PostgresTableSource<string>(dataSource ?? Database.DataSource, options, static row => row.GetString(row.GetOrdinal("customer")));
    }

    /// <summary>Inserts committed invoices <c>id = customer-id</c> stamped <paramref name="at"/> (SQL) each.</summary>
    protected Task InsertAsync(string at, params long[] ids) =>
        Database.ExecuteAsync($"INSERT INTO invoices SELECT i, 'customer-' || i, {at} FROM unnest(ARRAY[{string.Join(", ", ids)}]::bigint[]) AS i");

    /// <summary>
    /// A session left idle in a transaction, as an application that forgot to commit: it began, ran one statement and
    /// waits. Disposing the connection ends it.
    /// </summary>
    protected async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction, int Pid, DateTimeOffset Since)> OpenIdleTransactionAsync(string applicationName)
    {
        var connection = Track(new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Database.ConnectionString) { ApplicationName = applicationName, Pooling = false }.ConnectionString));
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid(), now()", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (connection, transaction, reader.GetInt32(0), reader.GetFieldValue<DateTimeOffset>(1));
    }

    /// <summary>Reads every page after <paramref name="after"/> until the source says none follows.</summary>
    protected static async Task<List<SourcePage<string>>> ReadAllAsync(ISource<string> source, Cursor? after = null, int pageSize = 100)
    {
        var pages = new List<SourcePage<string>>();
        while (true)
        {
            var page = await source.ReadPageAsync(after, new SourceReadContext(Job, pageSize), CancellationToken.None);
            pages.Add(page);
            if (!page.HasMore)
            {
                return pages;
            }

            after = page.Records[^1].Position;
        }
    }

    protected T Track<T>(T disposable)
        where T : IAsyncDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }
}
