using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Npgsql;
using SyncKit.Testing;

namespace SyncKit.CrashHost;

/// <summary>Prints <c>progress N</c> every <c>every</c> records handed to a destination, so the parent can pick a kill instant.</summary>
internal sealed class Progress(int every)
{
    private long _count;

    public void Record()
    {
        var count = Interlocked.Increment(ref _count);
        if (count % every == 0)
        {
            Console.Out.WriteLine($"progress {count}");
        }
    }
}

/// <summary>
/// A destination table in the store's own SQLite file, written through the batch's <c>SqliteTransaction</c>:
/// upsert by key, the version only ever moves forward (a stale write is skipped), and <c>deliveries</c>
/// counts how many committed batches carried the key — more than one would mean a committed record was re-read.
/// </summary>
internal sealed class SqliteRowsDestination(Progress progress) : IDestination<TestRecord>
{
    public const string CreateTable =
        "CREATE TABLE IF NOT EXISTS crash_rows (key TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL, deliveries INTEGER NOT NULL)";

    public bool WritesInStateTransaction => true;

    public ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<TestRecord> batch, CancellationToken cancellationToken)
    {
        var transaction = (SqliteTransaction)(batch.Transaction?.DbTransaction ?? throw new InvalidOperationException("The SQLite store must hand over its transaction."));
        using var select = Command(transaction, "SELECT version FROM crash_rows WHERE key = $key");
        using var upsert = Command(transaction, """
            INSERT INTO crash_rows (key, version, deliveries) VALUES ($key, $version, 1)
            ON CONFLICT (key) DO UPDATE SET version = max(version, excluded.version), deliveries = deliveries + 1
            """);
        var outcomes = new RecordOutcome[batch.Records.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var record = batch.Records[i];
            select.Parameters.AddWithValue("$key", record.Key);
            var stored = select.ExecuteScalar();
            select.Parameters.Clear();
            outcomes[i] = stored is long version && version >= record.Value.Version ? RecordOutcome.Skipped : RecordOutcome.Written;

            upsert.Parameters.AddWithValue("$key", record.Key);
            upsert.Parameters.AddWithValue("$version", record.Value.Version);
            upsert.ExecuteNonQuery();
            upsert.Parameters.Clear();
            progress.Record();
        }

        return ValueTask.FromResult<IReadOnlyList<RecordOutcome>>(outcomes);
    }

    private static SqliteCommand Command(SqliteTransaction transaction, string sql)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}

/// <summary>
/// The same destination in the PostgreSQL store's database (the connection's <c>Search Path</c> schema), written
/// through the batch's <c>NpgsqlTransaction</c> in one statement per batch.
/// </summary>
internal sealed class PostgresRowsDestination(Progress progress) : IDestination<TestRecord>
{
    public const string CreateTable =
        "CREATE TABLE IF NOT EXISTS crash_rows (key text NOT NULL PRIMARY KEY, version bigint NOT NULL, deliveries integer NOT NULL)";

    // Every crash record has version 1, so a key already there makes its write a stale repeat: skipped. A row the
    // upsert inserted has xmax = 0.
    private const string Upsert = """
        INSERT INTO crash_rows AS r (key, version, deliveries) SELECT key, version, 1 FROM unnest($1::text[], $2::bigint[]) AS t(key, version)
        ON CONFLICT (key) DO UPDATE SET version = greatest(r.version, excluded.version), deliveries = r.deliveries + 1
        RETURNING key, xmax = 0
        """;

    public bool WritesInStateTransaction => true;

    public async ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<TestRecord> batch, CancellationToken cancellationToken)
    {
        var transaction = batch.Transaction?.DbTransaction as NpgsqlTransaction ?? throw new InvalidOperationException("The PostgreSQL store must hand over its transaction.");
        await using var upsert = new NpgsqlCommand(Upsert, transaction.Connection, transaction)
        {
            Parameters =
            {
                new() { Value = batch.Records.Select(r => r.Key).ToArray() },
                new() { Value = batch.Records.Select(r => r.Value.Version).ToArray() },
            },
        };
        var inserted = new Dictionary<string, bool>(batch.Records.Count, StringComparer.Ordinal);
        await using (var reader = await upsert.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                inserted.Add(reader.GetString(0), reader.GetBoolean(1));
                progress.Record();
            }
        }

        return [.. batch.Records.Select(r => inserted[r.Key] ? RecordOutcome.Written : RecordOutcome.Skipped)];
    }
}

/// <summary>The same destination over an in-memory table, applied only when the in-memory store's transaction commits.</summary>
internal sealed class MemoryRowsDestination(ConcurrentDictionary<string, (long Version, int Writes)> rows, Progress progress) : IDestination<TestRecord>
{
    public bool WritesInStateTransaction => true;

    public ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<TestRecord> batch, CancellationToken cancellationToken)
    {
        var transaction = batch.Transaction as InMemoryStateTransaction ?? throw new InvalidOperationException("The in-memory store must hand over its transaction.");
        var outcomes = new RecordOutcome[batch.Records.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var record = batch.Records[i];
            outcomes[i] = rows.TryGetValue(record.Key, out var stored) && stored.Version >= record.Value.Version ? RecordOutcome.Skipped : RecordOutcome.Written;
            progress.Record();
        }

        var records = batch.Records.ToList();
        transaction.OnCommit(() =>
        {
            foreach (var record in records)
            {
                rows.AddOrUpdate(record.Key, (record.Value.Version, 1), (_, stored) => (Math.Max(stored.Version, record.Value.Version), stored.Writes + 1));
            }
        });
        return ValueTask.FromResult<IReadOnlyList<RecordOutcome>>(outcomes);
    }
}
