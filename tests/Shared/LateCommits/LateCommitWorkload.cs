using Npgsql;

namespace SyncKit.TestPostgres.LateCommits;

/// <summary>
/// Writes the <c>invoices</c> table the way a busy billing database does: <see cref="WorkloadShape.Writers"/> sessions
/// upserting a few hot keys per transaction, a small share held open long, stamps taken by the database. Two scripted
/// transactions make the late commits a plain poller misses certain rather than likely: an insert that commits only
/// after the poller passed its stamp, and an update stamped earlier than a version it overwrites.
/// </summary>
public sealed class LateCommitWorkload(NpgsqlDataSource database, WorkloadShape shape)
{
    /// <summary>The key the scripted late insert writes.</summary>
    public const long LateKey = 1_000_001;

    /// <summary>The key whose final version is stamped earlier than the version before it.</summary>
    public const long BackwardsKey = 1_000_002;

    /// <summary>Creates the table, indexed for polling by <c>(updated_at, id)</c>, with the backwards key's first version.</summary>
    public async Task CreateTableAsync()
    {
        await using var command = database.CreateCommand($"""
            CREATE TABLE invoices (id bigint PRIMARY KEY, version bigint NOT NULL, amount numeric NOT NULL, updated_at timestamptz NOT NULL);
            CREATE INDEX invoices_changes ON invoices (updated_at, id);
            INSERT INTO invoices VALUES ({BackwardsKey}, 1, 0, now());
            """);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Runs the writers for <see cref="WorkloadShape.Duration"/>, and on until <paramref name="alongside"/> completes (the
    /// scripted transactions wait for a poller to pass their stamps, which takes newer rows), then waits until every
    /// transaction ended.
    /// </summary>
    /// <returns>How many transactions committed, and how many of them were long.</returns>
    public async Task<(int Committed, int Long)> RunWritersAsync(Task? alongside = null)
    {
        var until = DateTimeOffset.UtcNow + shape.Duration;
        var writers = await Task.WhenAll(Enumerable.Range(0, shape.Writers).Select(i => Task.Run(() => WriteAsync(new Random(shape.Seed + i), until, alongside ?? Task.CompletedTask))));
        return (writers.Sum(w => w.Committed), writers.Sum(w => w.Long));
    }

    /// <summary>Inserts <see cref="LateKey"/> and commits it only once <paramref name="polledPast"/> says a poller passed its stamp.</summary>
    public async Task LateInsertAsync(Func<DateTimeOffset, Task> polledPast)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var stamp = await ScalarAsync(connection, $"INSERT INTO invoices VALUES ({LateKey}, 1, 1, {shape.Stamp}) RETURNING updated_at");
        await polledPast(stamp);
        await transaction.CommitAsync();
    }

    /// <summary>
    /// Overwrites <see cref="BackwardsKey"/> from a transaction that took its stamp before another transaction wrote a
    /// newer-stamped version and waited for that one's row lock; it commits once <paramref name="polledPast"/> says a
    /// poller passed the newer stamp. The table ends with the older stamp.
    /// </summary>
    public async Task BackwardsUpdateAsync(Func<DateTimeOffset, Task> polledPast)
    {
        await using var early = await database.OpenConnectionAsync();
        await using var earlyTransaction = await early.BeginTransactionAsync();
        var earlyStamp = await ScalarAsync(early, $"SELECT {shape.Stamp}");

        DateTimeOffset lateStamp;
        await using (var late = await database.OpenConnectionAsync())
        await using (var lateTransaction = await late.BeginTransactionAsync())
        {
            lateStamp = await ScalarAsync(late, $"UPDATE invoices SET version = version + 1, updated_at = {shape.Stamp} WHERE id = {BackwardsKey} RETURNING updated_at");
            var overwrite = ScalarAsync(early, $"UPDATE invoices SET version = version + 1, updated_at = $1 WHERE id = {BackwardsKey} RETURNING updated_at", earlyStamp);
            await lateTransaction.CommitAsync();
            await overwrite;
        }

        await polledPast(lateStamp);
        await earlyTransaction.CommitAsync();
    }

    /// <summary>The database's clock.</summary>
    public async Task<DateTimeOffset> DatabaseNowAsync()
    {
        await using var command = database.CreateCommand("SELECT now()");
        return new DateTimeOffset((DateTime)(await command.ExecuteScalarAsync())!);
    }

    /// <summary>Reads the table as it ends.</summary>
    public async Task<IReadOnlyDictionary<long, Invoice>> ReadTableAsync()
    {
        var rows = new Dictionary<long, Invoice>();
        await using var command = database.CreateCommand("SELECT id, version, amount, updated_at FROM invoices");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var invoice = Invoice.Map(reader);
            rows[invoice.Id] = invoice;
        }

        return rows;
    }

    private async Task<(int Committed, int Long)> WriteAsync(Random random, DateTimeOffset until, Task alongside)
    {
        var (committed, held) = (0, 0);
        await using var connection = await database.OpenConnectionAsync();
        while (DateTimeOffset.UtcNow < until || !alongside.IsCompleted)
        {
            // Keys in ascending order, so transactions lock rows in one order and seldom deadlock.
            var keys = Enumerable.Range(0, random.Next(1, 4)).Select(_ => (long)random.Next(1, shape.HotKeys + 1)).Distinct().Order().ToArray();
            var isLong = random.NextDouble() < shape.LongShare;
            var hold = isLong
                ? shape.LongHoldMin + ((shape.LongHoldMax - shape.LongHoldMin) * random.NextDouble())
                : shape.ShortHoldMax * random.NextDouble();
            await using var transaction = await connection.BeginTransactionAsync();
            if (!await UpsertAsync(connection, keys, random.Next(1, 10_000)))
            {
                continue;
            }

            await Task.Delay(hold);
            await transaction.CommitAsync();
            (committed, held) = (committed + 1, held + (isLong ? 1 : 0));
        }

        return (committed, held);
    }

    /// <summary>Upserts the keys in the open transaction; <see langword="false"/> when PostgreSQL rolled it back for a deadlock.</summary>
    private async Task<bool> UpsertAsync(NpgsqlConnection connection, long[] keys, decimal amount)
    {
        try
        {
            await using var upsert = new NpgsqlCommand(
                $"""
                INSERT INTO invoices SELECT k, 1, $2, {shape.Stamp} FROM unnest($1::bigint[]) AS k
                ON CONFLICT (id) DO UPDATE SET version = invoices.version + 1, amount = excluded.amount, updated_at = {shape.Stamp}
                """,
                connection);
            upsert.Parameters.Add(new NpgsqlParameter { Value = keys });
            upsert.Parameters.Add(new NpgsqlParameter { Value = amount });
            await upsert.ExecuteNonQueryAsync();
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DeadlockDetected)
        {
            return false;
        }
    }

    private static async Task<DateTimeOffset> ScalarAsync(NpgsqlConnection connection, string sql, DateTimeOffset? parameter = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is { } value)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value.UtcDateTime });
        }

        return new DateTimeOffset((DateTime)(await command.ExecuteScalarAsync())!);
    }
}
