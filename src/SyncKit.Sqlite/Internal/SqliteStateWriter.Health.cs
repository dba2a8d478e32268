using Microsoft.Data.Sqlite;

namespace SyncKit.Sqlite.Internal;

/// <summary>The health inputs of many jobs at once, in two statements whatever their number.</summary>
internal sealed partial class SqliteStateWriter
{
    /// <summary>
    /// Two statements for the whole list, each walking it (<c>json_each</c>) and probing indexes job by job: one row per
    /// job (checkpoint, dead letters, the latest runs), then the window's sums per job and kind. Each latest run is
    /// found on <c>synckit_runs_job_kind_latest</c> and read by its run id, only the columns a health check reads.
    /// </summary>
    public ValueTask<IReadOnlyList<JobHealthInputs>> ReadHealthInputsAsync(IReadOnlyList<JobId> jobs, DateTimeOffset windowStart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        return jobs.Count == 0
            ? ValueTask.FromResult<IReadOnlyList<JobHealthInputs>>([])
            : session.ReadAsync((Jobs: jobs, List: SqliteValues.JsonJobs(jobs), From: SqliteValues.Ticks(windowStart), WholeHoursFrom: FirstWholeHour(windowStart)), static (connection, s) =>
            {
                var inputs = new JobHealthInputs[s.Jobs.Count];
                using (var reader = connection.Command(LatestPerJobSql).Bind("$jobs", s.List).ExecuteReader())
                {
                    while (reader.Read())
                    {
                        var i = reader.GetInt32(0);
                        inputs[i] = new JobHealthInputs(s.Jobs[i])
                        {
                            Checkpoint = SqliteValues.Cursor(reader, 1),
                            DeadLetters = reader.GetInt32(5),
                            HasParkedDeadLetters = reader.GetBoolean(6),
                            LatestSync = ReadSummary(reader, 7, RunKind.Sync),
                            LatestSuccess = ReadSummary(reader, 7 + SummaryWidth, RunKind.Sync),
                            LatestIncrementalReconciliation = ReadSummary(reader, 7 + (2 * SummaryWidth), RunKind.IncrementalReconciliation),
                            LatestFullReconciliation = ReadSummary(reader, 7 + (3 * SummaryWidth), RunKind.FullReconciliation),
                        };
                    }
                }

                var sums = new Dictionary<RunKind, RunCounts>?[s.Jobs.Count];
                using (var reader = connection.Command(WindowSumsSql).Bind("$jobs", s.List).Bind("$kinds", RunKindNames).Bind("$from", s.From).Bind("$hours_from", s.WholeHoursFrom).ExecuteReader())
                {
                    while (reader.Read())
                    {
                        (sums[reader.GetInt32(0)] ??= [])[SqliteValues.Parse<RunKind>(reader, 1)] =
                            new RunCounts(reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7));
                    }
                }

                for (var i = 0; i < inputs.Length; i++)
                {
                    if (sums[i] is { } counts)
                    {
                        inputs[i] = inputs[i] with { WindowCounts = counts };
                    }
                }

                return (IReadOnlyList<JobHealthInputs>)inputs;
            }, cancellationToken);
    }

    private const int SummaryWidth = 8;

    // $jobs is a JSON array of [tenant, stream] pairs; i is a job's index in it.
    private const string JobList = "jobs AS (SELECT key AS i, value ->> 0 AS tenant, value ->> 1 AS stream FROM json_each($jobs))";

    private static readonly string LatestPerJobSql = $"""
        WITH {JobList}
        SELECT j.i, c.cursor_ticks, c.cursor_offset, c.cursor_id, c.cursor_progress,
               (SELECT count(*) FROM synckit_dead_letters d WHERE d.tenant = j.tenant AND d.stream = j.stream),
               EXISTS (SELECT 1 FROM synckit_dead_letters d WHERE d.tenant = j.tenant AND d.stream = j.stream AND d.status = 'Parked'),
               {SummaryColumns("latest_sync")}, {SummaryColumns("latest_success")}, {SummaryColumns("latest_incremental")}, {SummaryColumns("latest_full")}
        FROM jobs j
        LEFT JOIN synckit_checkpoints c ON c.tenant = j.tenant AND c.stream = j.stream
        {LatestRun("latest_sync", "r.kind = 'Sync'")}
        {LatestRun("latest_success", "r.kind = 'Sync' AND r.outcome IN ('Succeeded', 'CompletedWithDeadLetters')")}
        {LatestRun("latest_incremental", "r.kind = 'IncrementalReconciliation'")}
        {LatestRun("latest_full", "r.kind = 'FullReconciliation'")}
        """;

    // Per job and kind, the window's whole hours from synckit_run_hours (one row each) and its first, partial hour from
    // a (tenant, stream, kind, started_at) range of synckit_runs_job_kind_latest, so the read does not walk every run
    // in the window. Summing per job and kind keeps to those ranges: grouping each job's window by kind instead sorts
    // it. Pairs with no run are dropped.
    private static readonly string WindowSumsSql = $"""
        WITH {JobList},
        totals AS MATERIALIZED (
            SELECT j.i, k.value AS kind,
                   (SELECT json_array(sum(runs), sum(read_count), sum(written_count), sum(skipped_count), sum(deduplicated_count), sum(retried_count), sum(dead_lettered_count))
                    FROM (SELECT runs, read_count, written_count, skipped_count, deduplicated_count, retried_count, dead_lettered_count
                          FROM synckit_run_hours h WHERE h.tenant = j.tenant AND h.stream = j.stream AND h.kind = k.value AND h.hour >= $hours_from
                          UNION ALL
                          SELECT 1, read_count, written_count, skipped_count, deduplicated_count, retried_count, dead_lettered_count
                          FROM synckit_runs r WHERE r.tenant = j.tenant AND r.stream = j.stream AND r.kind = k.value AND r.started_at >= $from AND r.started_at < $hours_from)) AS sums
            FROM jobs j, json_each($kinds) k)
        SELECT i, kind, sums ->> 1, sums ->> 2, sums ->> 3, sums ->> 4, sums ->> 5, sums ->> 6 FROM totals WHERE sums ->> 0 > 0
        """;

    /// <summary>The first hour boundary (<see cref="SqliteSchema.TicksPerHour"/>) at or after <paramref name="windowStart"/>, in the store's ticks.</summary>
    private static long FirstWholeHour(DateTimeOffset windowStart)
    {
        var ticks = SqliteValues.Ticks(windowStart);
        var intoHour = ticks % SqliteSchema.TicksPerHour;
        return intoHour == 0 ? ticks : ticks - intoHour + SqliteSchema.TicksPerHour;
    }

    private static readonly string RunKindNames = SqliteValues.JsonArray(Enum.GetNames<RunKind>());

    private static string SummaryColumns(string alias) =>
        $"{alias}.run_id, {alias}.started_at, {alias}.ended_at, {alias}.outcome, {alias}.error, {alias}.report, {alias}.horizon_at, {alias}.horizon_held_by";

    private static string LatestRun(string alias, string filter) => $"""
        LEFT JOIN synckit_runs {alias} ON {alias}.run_id = (
            SELECT r.run_id FROM synckit_runs r WHERE r.tenant = j.tenant AND r.stream = j.stream AND {filter}
            ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1)
        """;

    /// <summary>A run summary from the <see cref="SummaryWidth"/> columns of <see cref="SummaryColumns"/> from <paramref name="first"/> on; none when its run id is null.</summary>
    private static RunSummary? ReadSummary(SqliteDataReader reader, int first, RunKind kind) =>
        reader.IsDBNull(first)
            ? null
            : new RunSummary(
                reader.GetString(first),
                kind,
                SqliteValues.Instant(reader, first + 1),
                SqliteValues.NullableInstant(reader, first + 2),
                SqliteValues.Parse<RunOutcome>(reader, first + 3),
                reader.IsDBNull(first + 4) ? null : reader.GetString(first + 4),
                reader.IsDBNull(first + 5) ? null : reader.GetString(first + 5))
            {
                Horizon = SqliteValues.Horizon(reader, first + 6),
            };
}
