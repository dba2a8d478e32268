using Npgsql;

namespace SyncKit.Postgres.Internal;

/// <summary>
/// The dead-letter queue. Each write runs as one transaction (the open one, or its own): it locks the rows of the
/// keys it changes (<c>SELECT ... FOR UPDATE</c>), decides in C# (positions order by <see cref="Cursor.CompareTo"/>,
/// which SQL cannot), and writes only rows it locked, so a concurrent writer cannot change one in between.
/// </summary>
internal sealed partial class PostgresStateWriter
{
    public async ValueTask AddAsync(IReadOnlyList<DeadLetter> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count > 0)
        {
            await commands.InTransactionAsync(scope => new PostgresStateWriter(database, scope).AddLockedAsync(entries, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<int> UpdateAsync(IReadOnlyList<DeadLetter> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.Count == 0
            ? 0
            : await commands.InTransactionAsync(scope => new PostgresStateWriter(database, scope).UpdateLockedAsync(entries, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> RemoveAsync(JobId job, IReadOnlyList<DeadLetterId> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.Count == 0
            ? 0
            : await commands.InTransactionAsync(scope => new PostgresStateWriter(database, scope).RemoveLockedAsync(job, entries, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await ReadDeadLettersAsync(
            _sql.ListDeadLetters,
            c => c.With(query.Tenant).With(query.Stream).With(query.Status?.ToString()).With(query.DueAtOrBefore.Utc()).With(query.Limit),
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> CountAsync(JobId job, CancellationToken cancellationToken) =>
        (int)await ScalarAsync<long>(_sql.CountDeadLetters, c => c.With(job.Tenant).With(job.Stream), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Decides every entry against the locked rows; a key found absent but inserted by another transaction meanwhile is
    /// decided again against that row. Returns how many rows were written.
    /// </summary>
    private async ValueTask<int> AddLockedAsync(IReadOnlyList<DeadLetter> entries, CancellationToken cancellationToken)
    {
        var written = 0;
        var undecided = entries;
        while (undecided.Count > 0)
        {
            var stored = await LockAsync(undecided.Select(e => (e.Job, e.RecordKey)), cancellationToken).ConfigureAwait(false);
            var kept = new Dictionary<(JobId Job, string Key), DeadLetter>();
            foreach (var entry in undecided)
            {
                var id = (entry.Job, entry.RecordKey);
                if (entry.MergeInto(kept.TryGetValue(id, out var earlier) ? earlier : stored.GetValueOrDefault(id)) is { } next)
                {
                    kept[id] = next;
                }
            }

            written += await WriteDeadLettersAsync(_sql.ReplaceDeadLetters, [.. kept.Where(p => stored.ContainsKey(p.Key)).Select(p => p.Value)], cancellationToken).ConfigureAwait(false);
            var inserted = await InsertAsync([.. kept.Where(p => !stored.ContainsKey(p.Key)).Select(p => p.Value)], cancellationToken).ConfigureAwait(false);
            written += inserted.Count;
            undecided = [.. undecided.Where(e => !stored.ContainsKey((e.Job, e.RecordKey)) && !inserted.Contains((e.Job, e.RecordKey)))];
        }

        return written;
    }

    private async ValueTask<int> UpdateLockedAsync(IReadOnlyList<DeadLetter> entries, CancellationToken cancellationToken)
    {
        var stored = await LockAsync(entries.Select(e => (e.Job, e.RecordKey)), cancellationToken).ConfigureAwait(false);

        // The last entry of a key wins, as it would written one by one.
        var updates = entries
            .Where(e => stored.TryGetValue((e.Job, e.RecordKey), out var current) && current.Is(DeadLetterId.Of(e)))
            .GroupBy(e => (e.Job, e.RecordKey))
            .Select(g => g.Last())
            .ToList();
        return await WriteDeadLettersAsync(_sql.ReplaceDeadLetters, updates, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<int> RemoveLockedAsync(JobId job, IReadOnlyList<DeadLetterId> entries, CancellationToken cancellationToken)
    {
        var stored = await LockAsync(entries.Select(e => (job, e.RecordKey)), cancellationToken).ConfigureAwait(false);
        var keys = entries
            .Where(id => stored.TryGetValue((job, id.RecordKey), out var current) && current.Is(id))
            .Select(id => id.RecordKey)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return keys.Length == 0 ? 0 : await ExecuteCountAsync(_sql.RemoveDeadLetters, c => c.With(job.Tenant).With(job.Stream).With(keys), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Locks the stored entries of the given job and key pairs until the transaction ends, and reads them.</summary>
    private async ValueTask<Dictionary<(JobId Job, string Key), DeadLetter>> LockAsync(IEnumerable<(JobId Job, string Key)> ids, CancellationToken cancellationToken)
    {
        var distinct = ids.Distinct().ToList();
        var rows = await ReadDeadLettersAsync(
            _sql.LockDeadLetters,
            c => c.With(distinct.ConvertAll(i => i.Job.Tenant).ToArray()).With(distinct.ConvertAll(i => i.Job.Stream).ToArray()).With(distinct.ConvertAll(i => i.Key).ToArray()),
            cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(e => (e.Job, e.RecordKey));
    }

    /// <summary>Inserts entries whose rows were absent; returns those inserted (a row inserted by another transaction meanwhile is left alone).</summary>
    private async ValueTask<HashSet<(JobId Job, string Key)>> InsertAsync(List<DeadLetter> entries, CancellationToken cancellationToken)
    {
        var inserted = new HashSet<(JobId Job, string Key)>();
        if (entries.Count == 0)
        {
            return inserted;
        }

        var command = await commands.CommandAsync(_sql.InsertDeadLetters, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        {
            var reader = await WithRows(command, entries).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    inserted.Add((new JobId(reader.GetString(0), reader.GetString(1)), reader.GetString(2)));
                }
            }
        }

        return inserted;
    }

    private ValueTask<int> WriteDeadLettersAsync(string sql, List<DeadLetter> entries, CancellationToken cancellationToken) =>
        entries.Count == 0 ? ValueTask.FromResult(0) : ExecuteCountAsync(sql, c => WithRows(c, entries), cancellationToken);

    /// <summary>Binds entries as one array per column.</summary>
    private static NpgsqlCommand WithRows(NpgsqlCommand command, List<DeadLetter> rows) =>
        command.With(rows.ConvertAll(e => e.Job.Tenant).ToArray())
            .With(rows.ConvertAll(e => e.Job.Stream).ToArray())
            .With(rows.ConvertAll(e => e.RecordKey).ToArray())
            .With(rows.ConvertAll(e => CursorJson.Write(e.Position)!).ToArray())
            .With(rows.ConvertAll(e => e.Payload).ToArray())
            .With(rows.ConvertAll(e => e.ErrorClass.ToString()).ToArray())
            .With(rows.ConvertAll(e => e.LastError).ToArray())
            .With(rows.ConvertAll(e => e.Attempts).ToArray())
            .With(rows.ConvertAll(e => e.FirstFailedAt.Utc()).ToArray())
            .With(rows.ConvertAll(e => e.LastFailedAt.Utc()).ToArray())
            .With(rows.ConvertAll(e => e.NextAttemptAt.Utc()).ToArray())
            .With(rows.ConvertAll(e => e.Status.ToString()).ToArray());

    private ValueTask<List<DeadLetter>> ReadDeadLettersAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken) =>
        ReadRowsAsync(sql, bind, ReadDeadLetter, cancellationToken);

    private static DeadLetter ReadDeadLetter(NpgsqlDataReader reader) => new(
        new JobId(reader.GetString(0), reader.GetString(1)),
        reader.GetString(2),
        CursorJson.Read(reader.GetString(3))!,
        reader.GetString(4),
        Enum.Parse<ErrorClass>(reader.GetString(5)),
        reader.GetString(6),
        reader.GetInt32(7),
        reader.GetFieldValue<DateTimeOffset>(8),
        reader.GetFieldValue<DateTimeOffset>(9),
        reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
        Enum.Parse<DeadLetterStatus>(reader.GetString(11)));
}
