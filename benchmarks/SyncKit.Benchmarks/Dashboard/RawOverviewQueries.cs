using System.Data.Common;

namespace SyncKit.Benchmarks.Dashboard;

/// <summary>
/// The baseline: hand-written SQL for what the overview shows per job (checkpoint, latest regular run, latest
/// success, the error budget's totals over the last day, the dead-letter count and whether any is parked, the latest
/// report of each reconciliation kind), folded per tenant the way the page folds it. One prepared command per
/// query, run job by job on one open connection; values are read raw, nothing is mapped to SyncKit's records.
/// </summary>
internal sealed class RawOverviewQueries : IDisposable
{
    private readonly DbConnection _connection;
    private readonly RawDialect _dialect;
    private readonly IReadOnlyList<JobId> _jobs;
    private readonly DbCommand _checkpoint;
    private readonly DbCommand _latest;
    private readonly DbCommand _latestSuccess;
    private readonly DbCommand _budget;
    private readonly DbCommand _deadLetters;
    private readonly DbCommand _reconciliation;

    public RawOverviewQueries(DbConnection connection, RawDialect dialect, IReadOnlyList<JobId> jobs)
    {
        _connection = connection;
        _dialect = dialect;
        _jobs = jobs;
        var runs = dialect.Table("runs");
        var count = dialect.CountColumn;
        const string Job = "tenant = $1 AND stream = $2";
        _checkpoint = Command($"SELECT {dialect.CheckpointInstant} FROM {dialect.Table("checkpoints")} WHERE {Job}", 2);
        _latest = Command($"SELECT outcome, error FROM {runs} WHERE {Job} AND kind = 'Sync' ORDER BY started_at DESC LIMIT 1", 2);
        _latestSuccess = Command($"SELECT started_at, ended_at FROM {runs} WHERE {Job} AND kind = 'Sync' AND outcome IN ('Succeeded', 'CompletedWithDeadLetters') ORDER BY started_at DESC LIMIT 1", 2);
        _budget = Command(
            $"SELECT coalesce(sum({count("written")} + {count("skipped")} + {count("deduplicated")} + {count("dead_lettered")}), 0), coalesce(sum({count("dead_lettered")}), 0) " +
            $"FROM {runs} WHERE {Job} AND started_at >= $3 AND kind IN ('Sync', 'Backfill', 'Repair', 'DeadLetterRetry')",
            3);
        _deadLetters = Command($"SELECT count(*), coalesce(sum(CASE WHEN status = 'Parked' THEN 1 ELSE 0 END), 0) FROM {dialect.Table("dead_letters")} WHERE {Job}", 2);
        _reconciliation = Command($"SELECT report FROM {runs} WHERE {Job} AND kind = $3 ORDER BY started_at DESC LIMIT 1", 3);
    }

    /// <summary>Per tenant: jobs, worst lag, oldest last success, dead letters, whether any is parked, worst error-budget burn, paused reconciliations.</summary>
    public async Task<List<(string Tenant, int Jobs, TimeSpan? Lag, DateTimeOffset? LastSuccess, long DeadLetters, bool Parked, double Burn, int Paused)>> RunAsync(DateTimeOffset now, TimeSpan budgetWindow, double budget)
    {
        var tenants = new List<(string, int, TimeSpan?, DateTimeOffset?, long, bool, double, int)>();
        foreach (var tenant in _jobs.GroupBy(j => j.Tenant, StringComparer.Ordinal))
        {
            TimeSpan? lag = null;
            DateTimeOffset? oldestSuccess = DateTimeOffset.MaxValue;
            long deadLetters = 0;
            var parked = false;
            var burn = 0.0;
            var paused = 0;
            var jobs = 0;
            foreach (var job in tenant)
            {
                jobs++;
                DateTimeOffset? checkpoint = null;
                await using (var reader = await ReadAsync(_checkpoint, job))
                {
                    if (await reader.ReadAsync())
                    {
                        checkpoint = _dialect.ReadInstant(reader, 0);
                    }
                }

                await using (var reader = await ReadAsync(_latest, job))
                {
                    if (await reader.ReadAsync())
                    {
                        _ = reader.GetString(0);
                        _ = await reader.IsDBNullAsync(1) ? null : reader.GetString(1);
                    }
                }

                DateTimeOffset? successStarted = null;
                DateTimeOffset? successEnded = null;
                await using (var reader = await ReadAsync(_latestSuccess, job))
                {
                    if (await reader.ReadAsync())
                    {
                        successStarted = _dialect.ReadInstant(reader, 0);
                        successEnded = _dialect.ReadInstant(reader, 1);
                    }
                }

                await using (var reader = await ReadAsync(_budget, job, _dialect.Instant(now - budgetWindow)))
                {
                    await reader.ReadAsync();
                    var processed = Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
                    var failed = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
                    burn = Math.Max(burn, processed == 0 ? 0 : failed / (double)processed / budget);
                }

                await using (var reader = await ReadAsync(_deadLetters, job))
                {
                    await reader.ReadAsync();
                    deadLetters += Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
                    parked |= Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture) > 0;
                }

                foreach (var kind in (string[])["IncrementalReconciliation", "FullReconciliation"])
                {
                    if (await ScalarAsync(_reconciliation, job, kind) is string report && report.Contains("\"correctionPaused\":true", StringComparison.Ordinal))
                    {
                        paused++;
                    }
                }

                var fresh = checkpoint > successStarted || successStarted is null ? checkpoint : successStarted;
                var jobLag = now - fresh;
                lag = lag is null || jobLag > lag ? jobLag : lag;
                oldestSuccess = successEnded is null || oldestSuccess is null ? null : successEnded < oldestSuccess ? successEnded : oldestSuccess;
            }

            tenants.Add((tenant.Key, jobs, lag, oldestSuccess, deadLetters, parked, burn, paused));
        }

        return tenants;
    }

    public void Dispose()
    {
        foreach (var command in (DbCommand[])[_checkpoint, _latest, _latestSuccess, _budget, _deadLetters, _reconciliation])
        {
            command.Dispose();
        }
    }

    private DbCommand Command(string sql, int parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 1; i <= parameters; i++)
        {
            var parameter = command.CreateParameter();
            if (!_dialect.Positional)
            {
                parameter.ParameterName = "$" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static Task<DbDataReader> ReadAsync(DbCommand command, JobId job, object? third = null)
    {
        Bind(command, job, third);
        return command.ExecuteReaderAsync();
    }

    private static async Task<object?> ScalarAsync(DbCommand command, JobId job, object? third = null)
    {
        Bind(command, job, third);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    private static void Bind(DbCommand command, JobId job, object? third)
    {
        command.Parameters[0].Value = job.Tenant;
        command.Parameters[1].Value = job.Stream;
        if (third is not null)
        {
            command.Parameters[2].Value = third;
        }
    }
}

/// <summary>How one store names its tables and columns and keeps instants.</summary>
/// <param name="Table">A table's name from its short name (<c>runs</c>).</param>
/// <param name="CountColumn">A run count's column from its short name (<c>written</c>).</param>
/// <param name="CheckpointInstant">The expression for a checkpoint's timestamp.</param>
/// <param name="Positional">Whether <c>$1</c> placeholders take unnamed parameters (Npgsql) rather than parameters named <c>$1</c> (SQLite).</param>
/// <param name="Instant">An instant as the store binds it.</param>
/// <param name="ReadInstant">An instant as the store reads it.</param>
internal sealed record RawDialect(
    Func<string, string> Table,
    Func<string, string> CountColumn,
    string CheckpointInstant,
    bool Positional,
    Func<DateTimeOffset, object> Instant,
    Func<DbDataReader, int, DateTimeOffset> ReadInstant)
{
    /// <summary>SyncKit.Sqlite's: <c>synckit_</c> tables, <c>_count</c> columns, instants as UTC ticks.</summary>
    public static RawDialect Sqlite { get; } = new(
        t => "synckit_" + t,
        c => c + "_count",
        "cursor_ticks",
        Positional: false,
        i => i.UtcTicks,
        (r, o) => new DateTimeOffset(r.GetInt64(o), TimeSpan.Zero));
}
