using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using SyncKit.Benchmarks.Postgres;
using SyncKit.Sqlite;

namespace SyncKit.Benchmarks.Dashboard;

/// <summary>
/// Writes <see cref="DashboardDataset"/> straight into a store's tables (one transaction of prepared inserts for
/// SQLite, binary COPY for PostgreSQL): going through the store's API would take far longer than the benchmark.
/// </summary>
internal static class DashboardSeed
{
    /// <summary>
    /// A seeded SQLite file per dataset, kept in the temporary directory between runs: seeding takes a while, and the dataset never
    /// changes. The store is opened once first, so it has the current schema (an older cached file is migrated).
    /// The name carries the store's schema version: a file migrated forward is refused by an older SyncKit.Sqlite, so
    /// branches on different schemas each keep their own.
    /// </summary>
    public static async Task<string> SqliteAsync(DashboardDataset dataset)
    {
        var path = Path.Combine(Path.GetTempPath(), $"synckit-bench-{dataset.Name}-schema5.db");
        var ready = path + ".seeded";
        using (var store = new SqliteSyncStateStore(new SqliteStateStoreOptions { ConnectionString = path, Durability = SqliteDurability.Normal }))
        {
            await store.InitializeAsync();
        }

        if (File.Exists(ready))
        {
            return path;
        }

        using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        using (var transaction = connection.BeginTransaction())
        {
            Insert(connection, """
                INSERT INTO synckit_runs (run_id, tenant, stream, started_at, ended_at, outcome, from_ticks, from_offset, from_id,
                    to_ticks, to_offset, to_id, read_count, written_count, skipped_count, deduplicated_count, retried_count,
                    dead_lettered_count, errors_by_class, sample_record_keys, error, kind, report)
                VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, 0, $10, $11, $12, 0, 0, 0, $13, $14, '["a","b"]', $15, $16, $17)
                """, dataset.AllRuns(), r => [r.RunId, r.Job.Tenant, r.Job.Stream, r.StartedAt.UtcTicks, r.EndedAt.UtcTicks, r.Outcome.ToString(),
                    r.From.Timestamp!.Value.UtcTicks, r.From.Id, r.To.Timestamp!.Value.UtcTicks, r.To.Id, r.Read, r.Written, r.DeadLettered,
                    r.ErrorsByClass, r.Error, r.Kind.ToString(), r.Report]);
            Insert(connection, """
                INSERT INTO synckit_checkpoints (tenant, stream, cursor_ticks, cursor_offset, cursor_id, saved_at) VALUES ($1, $2, $3, 0, $4, $5)
                """, dataset.Checkpoints(), c => [c.Job.Tenant, c.Job.Stream, c.Cursor.Timestamp!.Value.UtcTicks, c.Cursor.Id, DashboardDataset.Now.UtcTicks]);
            Insert(connection, """
                INSERT INTO synckit_dead_letters (tenant, stream, record_key, position_ticks, position_offset, position_id, payload, error_class,
                    last_error, attempts, first_failed_at, last_failed_at, next_attempt_at, status)
                VALUES ($1, $2, $3, $4, 0, $5, '{}', 'Validation', 'amount must be positive', 5, $6, $6, $7, $8)
                """, dataset.DeadLetters(), d => [d.Job.Tenant, d.Job.Stream, d.RecordKey, d.Position.Timestamp!.Value.UtcTicks, d.Position.Id,
                    d.FailedAt.UtcTicks, d.NextAttemptAt?.UtcTicks, d.Status.ToString()]);
            transaction.Commit();
        }

        using (var analyze = connection.CreateCommand())
        {
            analyze.CommandText = "ANALYZE";
            analyze.ExecuteNonQuery();
        }

        await File.WriteAllTextAsync(ready, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        return path;
    }

    /// <summary>Seeds the store's schema in a fresh benchmark database.</summary>
    public static async Task PostgresAsync(DashboardDataset dataset, PostgresBenchmarkDatabase database)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using (var runs = await connection.BeginBinaryImportAsync(database.Qualify("""
            COPY {schema}.runs (run_id, tenant, stream, started_at, ended_at, outcome, cursor_from, cursor_to, read, written, skipped,
                deduplicated, retried, dead_lettered, errors_by_class, sample_record_keys, error, kind, report) FROM STDIN (FORMAT BINARY)
            """)))
        {
            foreach (var r in dataset.AllRuns())
            {
                await runs.StartRowAsync();
                await runs.WriteAsync(r.RunId, NpgsqlDbType.Text);
                await runs.WriteAsync(r.Job.Tenant, NpgsqlDbType.Text);
                await runs.WriteAsync(r.Job.Stream, NpgsqlDbType.Text);
                await runs.WriteAsync(r.StartedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
                await runs.WriteAsync(r.EndedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
                await runs.WriteAsync(r.Outcome.ToString(), NpgsqlDbType.Text);
                await runs.WriteAsync(CursorJson(r.From), NpgsqlDbType.Jsonb);
                await runs.WriteAsync(CursorJson(r.To), NpgsqlDbType.Jsonb);
                await runs.WriteAsync(r.Read, NpgsqlDbType.Bigint);
                await runs.WriteAsync(r.Written, NpgsqlDbType.Bigint);
                await runs.WriteAsync(0L, NpgsqlDbType.Bigint);
                await runs.WriteAsync(0L, NpgsqlDbType.Bigint);
                await runs.WriteAsync(0L, NpgsqlDbType.Bigint);
                await runs.WriteAsync(r.DeadLettered, NpgsqlDbType.Bigint);
                await runs.WriteAsync(r.ErrorsByClass, NpgsqlDbType.Jsonb);
                await runs.WriteAsync(SampleKeys, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await WriteNullableAsync(runs, r.Error);
                await runs.WriteAsync(r.Kind.ToString(), NpgsqlDbType.Text);
                await WriteNullableAsync(runs, r.Report);
            }

            await runs.CompleteAsync();
        }

        await using (var checkpoints = await connection.BeginBinaryImportAsync(database.Qualify("COPY {schema}.checkpoints (tenant, stream, cursor, updated_at) FROM STDIN (FORMAT BINARY)")))
        {
            foreach (var (job, cursor) in dataset.Checkpoints())
            {
                await checkpoints.StartRowAsync();
                await checkpoints.WriteAsync(job.Tenant, NpgsqlDbType.Text);
                await checkpoints.WriteAsync(job.Stream, NpgsqlDbType.Text);
                await checkpoints.WriteAsync(CursorJson(cursor), NpgsqlDbType.Jsonb);
                await checkpoints.WriteAsync(DashboardDataset.Now.UtcDateTime, NpgsqlDbType.TimestampTz);
            }

            await checkpoints.CompleteAsync();
        }

        await using (var deadLetters = await connection.BeginBinaryImportAsync(database.Qualify("""
            COPY {schema}.dead_letters (tenant, stream, record_key, position, payload, error_class, last_error, attempts, first_failed_at,
                last_failed_at, next_attempt_at, status) FROM STDIN (FORMAT BINARY)
            """)))
        {
            foreach (var d in dataset.DeadLetters())
            {
                await deadLetters.StartRowAsync();
                await deadLetters.WriteAsync(d.Job.Tenant, NpgsqlDbType.Text);
                await deadLetters.WriteAsync(d.Job.Stream, NpgsqlDbType.Text);
                await deadLetters.WriteAsync(d.RecordKey, NpgsqlDbType.Text);
                await deadLetters.WriteAsync(CursorJson(d.Position), NpgsqlDbType.Jsonb);
                await deadLetters.WriteAsync("{}", NpgsqlDbType.Text);
                await deadLetters.WriteAsync("Validation", NpgsqlDbType.Text);
                await deadLetters.WriteAsync("amount must be positive", NpgsqlDbType.Text);
                await deadLetters.WriteAsync(5, NpgsqlDbType.Integer);
                await deadLetters.WriteAsync(d.FailedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
                await deadLetters.WriteAsync(d.FailedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
                if (d.NextAttemptAt is { } next)
                {
                    await deadLetters.WriteAsync(next.UtcDateTime, NpgsqlDbType.TimestampTz);
                }
                else
                {
                    await deadLetters.WriteNullAsync();
                }

                await deadLetters.WriteAsync(d.Status.ToString(), NpgsqlDbType.Text);
            }

            await deadLetters.CompleteAsync();
        }

        // VACUUM too, not only ANALYZE: it sets the visibility map and hint bits that the first reads after a bulk load
        // would otherwise write, so no measured request pays for them.
        foreach (var table in (string[])["runs", "checkpoints", "dead_letters"])
        {
            await database.ExecuteAsync($"VACUUM ANALYZE {{schema}}.{table}");
        }
    }

    private static readonly string[] SampleKeys = ["a", "b"];

    private static string CursorJson(Cursor cursor) =>
        $$"""{"t":"{{cursor.Timestamp!.Value.ToString("O", CultureInfo.InvariantCulture)}}","id":"{{cursor.Id}}"}""";

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null)
        {
            await importer.WriteNullAsync();
        }
        else
        {
            await importer.WriteAsync(value, NpgsqlDbType.Text);
        }
    }

    private static void Insert<T>(SqliteConnection connection, string sql, IEnumerable<T> rows, Func<T, object?[]> values)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameters = new List<SqliteParameter>();
        foreach (var row in rows)
        {
            var rowValues = values(row);
            while (parameters.Count < rowValues.Length)
            {
                parameters.Add(command.Parameters.Add(new SqliteParameter("$" + (parameters.Count + 1).ToString(CultureInfo.InvariantCulture), null)));
            }

            for (var i = 0; i < rowValues.Length; i++)
            {
                parameters[i].Value = rowValues[i] ?? DBNull.Value;
            }

            command.ExecuteNonQuery();
        }
    }
}
