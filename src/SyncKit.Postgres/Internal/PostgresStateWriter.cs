using Npgsql;

namespace SyncKit.Postgres.Internal;

/// <summary>
/// The store interfaces over PostgreSQL, each call one statement (one round trip, whatever the batch size)
/// in a <see cref="CommandScope"/>: committed at once, or inside a state transaction.
/// </summary>
internal sealed partial class PostgresStateWriter(PostgresDatabase database, CommandScope commands)
    : ICheckpointStore, IDedupStore, IDeadLetterStore, IRunHistoryStore
{
    private readonly PostgresSql _sql = database.Sql;

    // A reservation is a hold, not data: it commits at once even when asked inside a transaction, so two
    // workers never both acquire a key, and a crash after the effect leaves an expiring hold that the next
    // reservation reports as Reacquired (a possible repeat) instead of forgetting it.
    private readonly CommandScope _reservations = commands as AutoCommitScope ?? new AutoCommitScope(database);

    public async ValueTask<Cursor?> GetAsync(JobId job, CancellationToken cancellationToken)
    {
        var command = await commands.CommandAsync(_sql.GetCheckpoint, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        {
            var json = await command.With(job.Tenant).With(job.Stream).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return CursorJson.Read(json as string);
        }
    }

    public ValueTask SaveAsync(JobId job, Cursor cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        return ExecuteAsync(_sql.SaveCheckpoint, c => c.With(job.Tenant).With(job.Stream).With(CursorJson.Write(cursor)).With(database.Time.GetUtcNow().Utc()), cancellationToken);
    }

    public ValueTask DeleteAsync(JobId job, CancellationToken cancellationToken) =>
        ExecuteAsync(_sql.DeleteCheckpoint, c => c.With(job.Tenant).With(job.Stream).With(database.Time.GetUtcNow().Utc()), cancellationToken);

    public async ValueTask<IReadOnlyList<DedupReservation>> ReserveAsync(string scope, IReadOnlyList<string> keys, TimeSpan hold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentOutOfRangeException.ThrowIfLessThan(hold, TimeSpan.Zero);
        if (keys.Count == 0)
        {
            return [];
        }

        // The statement sees each key once; a repeated key answers as a second reservation would.
        var distinct = new List<string>(keys.Count);
        var firstIndex = new Dictionary<string, int>(keys.Count, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(keys));
            if (firstIndex.TryAdd(key, distinct.Count))
            {
                distinct.Add(key);
            }
        }

        var now = database.Time.GetUtcNow();
        var statuses = new DedupStatus[distinct.Count];
        var command = await _reservations.CommandAsync(_sql.ReserveDedup, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        {
            command.With(scope).With(distinct.ToArray()).With(now.Utc()).With((now + hold).Utc());
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                // Keys the statement does not answer were acquired (DedupStatus.Acquired is 0, the array's default).
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    statuses[firstIndex[reader.GetString(0)]] = (DedupStatus)reader.GetInt32(1);
                }
            }
        }

        var result = new DedupReservation[keys.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            var status = statuses[firstIndex[keys[i]]];
            if (!seen.Add(keys[i]) && status is DedupStatus.Acquired or DedupStatus.Reacquired)
            {
                status = DedupStatus.HeldElsewhere;
            }

            result[i] = new DedupReservation(keys[i], status);
        }

        return result;
    }

    public ValueTask CompleteAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        return keys.Count == 0
            ? ValueTask.CompletedTask
            : ExecuteAsync(_sql.CompleteDedup, c => c.With(scope).With(keys.ToArray()).With(database.Time.GetUtcNow().Utc()), cancellationToken);
    }

    public ValueTask ReleaseAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        return keys.Count == 0
            ? ValueTask.CompletedTask
            : ExecuteAsync(_sql.ReleaseDedup, c => c.With(scope).With(keys.ToArray()), cancellationToken);
    }

    public async ValueTask<IReadOnlySet<string>> GetCompletedAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        var completed = new HashSet<string>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return completed;
        }

        var command = await commands.CommandAsync(_sql.GetCompletedDedup, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.With(scope).With(keys.ToArray()).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    completed.Add(reader.GetString(0));
                }
            }
        }

        return completed;
    }

    public async ValueTask<int> PurgeAsync(DateTimeOffset completedBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await ExecuteCountAsync(
            _sql.PurgeDedup, c => c.With(completedBefore.Utc()).With(database.Time.GetUtcNow().Utc()).With(limit), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask SaveRunAsync(RunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return ExecuteAsync(
            _sql.SaveRun,
            c => c.With(run.RunId).With(run.Job.Tenant).With(run.Job.Stream).With(run.StartedAt.Utc()).With(run.EndedAt.Utc())
                .With(run.Outcome.ToString()).With(CursorJson.Write(run.CursorFrom)).With(CursorJson.Write(run.CursorTo))
                .With(run.Counts.Read).With(run.Counts.Written).With(run.Counts.Skipped).With(run.Counts.Deduplicated)
                .With(run.Counts.Retried).With(run.Counts.DeadLettered).With(ErrorsJson.Write(run.ErrorsByClass))
                .With(run.SampleRecordKeys.ToArray()).With(run.Error).With(run.Kind.ToString()).With(run.Report)
                .With(run.Horizon?.At.Utc()).With(run.Horizon?.HeldBy),
            cancellationToken);
    }

    public async ValueTask<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        var runs = await ReadRunsAsync(_sql.GetRun, c => c.With(runId), cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    public async ValueTask<IReadOnlyList<RunRecord>> QueryRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await ReadRunsAsync(_sql.QueryRuns, c => WithRunFilter(c, query).With(query.Limit), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyDictionary<RunKind, RunCounts>> SumCountsByKindAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sums = new Dictionary<RunKind, RunCounts>();
        var command = await commands.CommandAsync(_sql.SumRunCountsByKind, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        {
            var reader = await WithRunFilter(command, query).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    sums[Enum.Parse<RunKind>(reader.GetString(0))] =
                        new RunCounts(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
                }
            }
        }

        return sums;
    }

    public ValueTask AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        return ExecuteAsync(
            _sql.AppendAudit,
            c => c.With(entries.Select(e => e.RunId).ToArray())
                .With(entries.Select(e => e.Job.Tenant).ToArray())
                .With(entries.Select(e => e.Job.Stream).ToArray())
                .With(entries.Select(e => e.RecordKey).ToArray())
                .With(entries.Select(e => CursorJson.Write(e.Position)!).ToArray())
                .With(entries.Select(e => e.Action).ToArray())
                .With(entries.Select(e => e.At.Utc()).ToArray()),
            cancellationToken);
    }

    public async ValueTask<IReadOnlyList<AuditEntry>> GetAuditAsync(JobId job, string recordKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recordKey);
        var entries = new List<AuditEntry>();
        var command = await commands.CommandAsync(_sql.GetAudit, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.With(job.Tenant).With(job.Stream).With(recordKey).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    entries.Add(new AuditEntry(reader.GetString(0), job, recordKey, CursorJson.Read(reader.GetString(1))!, reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
                }
            }
        }

        return entries;
    }

    public async ValueTask<RunAuditPage> GetRunAuditAsync(RunAuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var entries = new List<AuditEntry>();
        var ids = new List<long>();
        var command = await commands.CommandAsync(_sql.GetRunAudit, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        {
            // One row past the page tells whether another page follows.
            var reader = await command.With(query.RunId).With(query.After ?? 0).With(query.Limit + 1).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    ids.Add(reader.GetInt64(0));
                    entries.Add(new AuditEntry(
                        query.RunId,
                        new JobId(reader.GetString(1), reader.GetString(2)),
                        reader.GetString(3),
                        CursorJson.Read(reader.GetString(4))!,
                        reader.GetString(5),
                        reader.GetFieldValue<DateTimeOffset>(6)));
                }
            }
        }

        return entries.Count > query.Limit
            ? new RunAuditPage(entries[..query.Limit], ids[query.Limit - 1])
            : new RunAuditPage(entries, null);
    }

    async ValueTask<int> IRunHistoryStore.PurgeAsync(DateTimeOffset endedBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return (int)await ScalarAsync<long>(_sql.PurgeRuns, c => c.With(endedBefore.Utc()).With(limit), cancellationToken).ConfigureAwait(false);
    }

    async ValueTask<int> IRunHistoryStore.PurgeAuditAsync(DateTimeOffset recordedBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await ExecuteCountAsync(_sql.PurgeAudit, c => c.With(recordedBefore.Utc()).With(limit), cancellationToken).ConfigureAwait(false);
    }

    // $1..$6 of QueryRuns and SumRunCountsByKind.
    private static NpgsqlCommand WithRunFilter(NpgsqlCommand command, RunQuery query) =>
        command.With(query.Tenant).With(query.Stream).With(query.StartedFrom.Utc()).With(query.StartedBefore.Utc())
            .With(query.Outcome?.ToString()).With(query.Kind?.ToString());

    private ValueTask<List<RunRecord>> ReadRunsAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken) =>
        ReadRowsAsync(sql, bind, ReadRun, cancellationToken);

    private static RunRecord ReadRun(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        new JobId(reader.GetString(1), reader.GetString(2)),
        reader.GetFieldValue<DateTimeOffset>(3),
        reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
        Enum.Parse<RunOutcome>(reader.GetString(5)),
        CursorJson.Read(reader.IsDBNull(6) ? null : reader.GetString(6)),
        CursorJson.Read(reader.IsDBNull(7) ? null : reader.GetString(7)),
        new RunCounts(reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11), reader.GetInt64(12), reader.GetInt64(13)),
        ErrorsJson.Read(reader.GetString(14)),
        reader.GetFieldValue<string[]>(15),
        reader.IsDBNull(16) ? null : reader.GetString(16))
    {
        Kind = Enum.Parse<RunKind>(reader.GetString(17)),
        Report = reader.IsDBNull(18) ? null : reader.GetString(18),
        Horizon = ReadHorizon(reader, 19),
    };

    /// <summary>Runs a query and reads each row it returns with <paramref name="read"/>.</summary>
    private async ValueTask<List<TRow>> ReadRowsAsync<TRow>(string sql, Action<NpgsqlCommand> bind, Func<NpgsqlDataReader, TRow> read, CancellationToken cancellationToken)
    {
        var rows = new List<TRow>();
        var command = await commands.CommandAsync(sql, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        {
            bind(command);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(read(reader));
                }
            }
        }

        return rows;
    }

    /// <summary>A source horizon from its instant and what holds it, two columns from <paramref name="ordinal"/>; a null instant is none.</summary>
    private static SourceHorizon? ReadHorizon(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal)
            ? null
            : new SourceHorizon(reader.GetFieldValue<DateTimeOffset>(ordinal), reader.IsDBNull(ordinal + 1) ? null : reader.GetString(ordinal + 1));

    private async ValueTask ExecuteAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken) =>
        await ExecuteCountAsync(sql, bind, cancellationToken).ConfigureAwait(false);

    private ValueTask<int> ExecuteCountAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken) =>
        RunAsync(sql, bind, static (command, cancellationToken) => command.ExecuteNonQueryAsync(cancellationToken), cancellationToken);

    private async ValueTask<TResult> ScalarAsync<TResult>(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken) =>
        (TResult)(await RunAsync(sql, bind, static (command, cancellationToken) => command.ExecuteScalarAsync(cancellationToken), cancellationToken).ConfigureAwait(false))!;

    /// <summary>
    /// Runs one statement. An error no retry can mend (a damaged relation, a full disk, a read-only server) leaves as a
    /// <see cref="StoreFailureException"/>, so the engine stops the job instead of retrying writes to the store's tables.
    /// </summary>
    private async ValueTask<TResult> RunAsync<TResult>(string sql, Action<NpgsqlCommand> bind, Func<NpgsqlCommand, CancellationToken, Task<TResult>> execute, CancellationToken cancellationToken)
    {
        var command = await commands.CommandAsync(sql, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        {
            bind(command);
            try
            {
                return await execute(command, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException error) when (PostgresStoreFailures.From(error) is { } failure)
            {
                throw failure;
            }
        }
    }
}
