using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SyncKit.Sqlite.Internal;

/// <summary>
/// The dead-letter queue. Each write reads the entries it changes and decides in C# (positions order by
/// <see cref="Cursor.CompareTo"/>, which SQL cannot), inside its write transaction: that holds the database's write
/// lock, so nothing changes between the read and the write.
/// </summary>
internal sealed partial class SqliteStateWriter
{
    private const string DeadLetterColumns =
        "tenant, stream, record_key, position_ticks, position_offset, position_id, position_progress, payload, error_class, " +
        "last_error, attempts, first_failed_at, last_failed_at, next_attempt_at, status";

    public ValueTask AddAsync(IReadOnlyList<DeadLetter> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.Count == 0 ? ValueTask.CompletedTask : Discard(session.WriteAsync(entries, static (connection, entries) =>
        {
            foreach (var entry in entries)
            {
                if (entry.MergeInto(StoredDeadLetter(connection, entry.Job, entry.RecordKey)) is { } kept)
                {
                    SaveDeadLetter(connection, kept);
                }
            }

            return 0;
        }, cancellationToken));
    }

    public ValueTask<int> UpdateAsync(IReadOnlyList<DeadLetter> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.Count == 0 ? ValueTask.FromResult(0) : session.WriteAsync(entries, static (connection, entries) =>
        {
            var updated = 0;
            foreach (var entry in entries)
            {
                if (StoredDeadLetter(connection, entry.Job, entry.RecordKey)?.Is(DeadLetterId.Of(entry)) == true)
                {
                    SaveDeadLetter(connection, entry);
                    updated++;
                }
            }

            return updated;
        }, cancellationToken);
    }

    public ValueTask<int> RemoveAsync(JobId job, IReadOnlyList<DeadLetterId> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.Count == 0 ? ValueTask.FromResult(0) : session.WriteAsync((Job: job, Entries: entries), static (connection, s) =>
        {
            var removed = 0;
            foreach (var id in s.Entries)
            {
                if (StoredDeadLetter(connection, s.Job, id.RecordKey)?.Is(id) == true)
                {
                    removed += connection.Command("DELETE FROM synckit_dead_letters WHERE tenant = $tenant AND stream = $stream AND record_key = $record_key")
                        .BindJob(s.Job)
                        .Bind("$record_key", id.RecordKey)
                        .ExecuteNonQuery();
                }
            }

            return removed;
        }, cancellationToken);
    }

    public ValueTask<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return session.ReadAsync(query, static (connection, query) =>
        {
            var filter = new SqlFilter()
                .Where(query.Tenant is not null, "tenant = $tenant")
                .Where(query.Stream is not null, "stream = $stream")
                .Where(query.Status is not null, "status = $status")
                .Where(query.DueAtOrBefore is not null, "status = 'Pending' AND next_attempt_at <= $due");
            using var reader = connection.Command(
                    $"SELECT {DeadLetterColumns} FROM synckit_dead_letters{filter} ORDER BY next_attempt_at IS NULL, next_attempt_at, record_key LIMIT $limit")
                .Bind("$tenant", query.Tenant)
                .Bind("$stream", query.Stream)
                .Bind("$status", query.Status is { } status ? SqliteValues.Name(status) : null)
                .Bind("$due", SqliteValues.Ticks(query.DueAtOrBefore))
                .Bind("$limit", Math.Max(0, query.Limit))
                .ExecuteReader();
            var entries = new List<DeadLetter>();
            while (reader.Read())
            {
                entries.Add(ReadDeadLetter(reader));
            }

            return (IReadOnlyList<DeadLetter>)entries;
        }, cancellationToken);
    }

    public ValueTask<int> CountAsync(JobId job, CancellationToken cancellationToken) =>
        session.ReadAsync(job, static (connection, job) =>
            Convert.ToInt32(
                connection.Command("SELECT count(*) FROM synckit_dead_letters WHERE tenant = $tenant AND stream = $stream").BindJob(job).ExecuteScalar(),
                CultureInfo.InvariantCulture), cancellationToken);

    private static DeadLetter? StoredDeadLetter(StoreConnection connection, JobId job, string recordKey)
    {
        using var reader = connection.Command($"SELECT {DeadLetterColumns} FROM synckit_dead_letters WHERE tenant = $tenant AND stream = $stream AND record_key = $record_key")
            .BindJob(job)
            .Bind("$record_key", recordKey)
            .ExecuteReader();
        return reader.Read() ? ReadDeadLetter(reader) : null;
    }

    private static void SaveDeadLetter(StoreConnection connection, DeadLetter entry) =>
        connection.Command($"""
                INSERT OR REPLACE INTO synckit_dead_letters ({DeadLetterColumns})
                VALUES ($tenant, $stream, $record_key, $position_ticks, $position_offset, $position_id, $position_progress, $payload,
                        $error_class, $last_error, $attempts, $first_failed_at, $last_failed_at, $next_attempt_at, $status)
                """)
            .BindJob(entry.Job)
            .Bind("$record_key", entry.RecordKey)
            .BindCursor(Position, entry.Position)
            .Bind("$payload", entry.Payload)
            .Bind("$error_class", SqliteValues.Name(entry.ErrorClass))
            .Bind("$last_error", entry.LastError)
            .Bind("$attempts", entry.Attempts)
            .Bind("$first_failed_at", SqliteValues.Ticks(entry.FirstFailedAt))
            .Bind("$last_failed_at", SqliteValues.Ticks(entry.LastFailedAt))
            .Bind("$next_attempt_at", SqliteValues.Ticks(entry.NextAttemptAt))
            .Bind("$status", SqliteValues.Name(entry.Status))
            .ExecuteNonQuery();

    /// <summary>An entry from the <see cref="DeadLetterColumns"/>.</summary>
    private static DeadLetter ReadDeadLetter(SqliteDataReader reader) => new(
        new JobId(reader.GetString(0), reader.GetString(1)),
        reader.GetString(2),
        SqliteValues.Cursor(reader, 3)!,
        reader.GetString(7),
        SqliteValues.Parse<ErrorClass>(reader, 8),
        reader.GetString(9),
        reader.GetInt32(10),
        SqliteValues.Instant(reader, 11),
        SqliteValues.Instant(reader, 12),
        SqliteValues.NullableInstant(reader, 13),
        SqliteValues.Parse<DeadLetterStatus>(reader, 14));
}
