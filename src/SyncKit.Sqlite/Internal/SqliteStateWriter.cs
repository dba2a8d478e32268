using Microsoft.Data.Sqlite;

namespace SyncKit.Sqlite.Internal;

/// <summary>The store interfaces as SQL statements, run in an <see cref="ISqliteSession"/>.</summary>
internal sealed partial class SqliteStateWriter(ISqliteSession session)
    : ICheckpointStore, IDedupStore, IDeadLetterStore, IRunHistoryStore
{
    private const string RunColumns =
        "run_id, tenant, stream, started_at, ended_at, outcome, from_ticks, from_offset, from_id, from_progress, " +
        "to_ticks, to_offset, to_id, to_progress, read_count, written_count, skipped_count, deduplicated_count, " +
        "retried_count, dead_lettered_count, errors_by_class, sample_record_keys, error, kind, report, horizon_at, horizon_held_by";

    // A run saved again is updated in place rather than replaced: a replace deletes without firing the delete trigger
    // that keeps synckit_run_hours (SQLite fires it only with recursive triggers on), so the hour would count it twice.
    private static readonly string RunUpdates = string.Join(", ", RunColumns.Split(", ").Skip(1).Select(c => $"{c} = excluded.{c}"));

    private const string AuditColumns =
        "run_id, tenant, stream, record_key, position_ticks, position_offset, position_id, position_progress, action, at";

    private static readonly CursorParameters CheckpointCursor = CursorParameters.Named("cursor");
    private static readonly CursorParameters Position = CursorParameters.Named("position");
    private static readonly CursorParameters From = CursorParameters.Named("from");
    private static readonly CursorParameters To = CursorParameters.Named("to");

    // ---- Checkpoints ----

    public ValueTask<Cursor?> GetAsync(JobId job, CancellationToken cancellationToken) =>
        session.ReadAsync(job, static (connection, job) =>
        {
            using var reader = connection.Command(
                    "SELECT cursor_ticks, cursor_offset, cursor_id, cursor_progress FROM synckit_checkpoints WHERE tenant = $tenant AND stream = $stream")
                .BindJob(job)
                .ExecuteReader();
            return reader.Read() ? SqliteValues.Cursor(reader, 0) : null;
        }, cancellationToken);

    public ValueTask SaveAsync(JobId job, Cursor cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        return Discard(session.WriteAsync((Job: job, Cursor: cursor, Now: session.Time.GetUtcNow()), static (connection, s) =>
            connection.Command("""
                    INSERT INTO synckit_checkpoints (tenant, stream, cursor_ticks, cursor_offset, cursor_id, cursor_progress, saved_at)
                    VALUES ($tenant, $stream, $cursor_ticks, $cursor_offset, $cursor_id, $cursor_progress, $now)
                    ON CONFLICT (tenant, stream) DO UPDATE SET
                        cursor_ticks = excluded.cursor_ticks, cursor_offset = excluded.cursor_offset, cursor_id = excluded.cursor_id,
                        cursor_progress = excluded.cursor_progress, saved_at = excluded.saved_at
                    """)
                .BindJob(s.Job)
                .BindCursor(CheckpointCursor, s.Cursor)
                .Bind("$now", SqliteValues.Ticks(s.Now))
                .ExecuteNonQuery(), cancellationToken));
    }

    public ValueTask DeleteAsync(JobId job, CancellationToken cancellationToken) =>
        Discard(session.WriteAsync(job, static (connection, job) =>
            connection.Command("DELETE FROM synckit_checkpoints WHERE tenant = $tenant AND stream = $stream").BindJob(job).ExecuteNonQuery(), cancellationToken));

    private static async ValueTask Discard<T>(ValueTask<T> write) => await write.ConfigureAwait(false);
}
