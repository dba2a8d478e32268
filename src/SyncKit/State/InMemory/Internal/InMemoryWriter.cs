namespace SyncKit.State.InMemory.Internal;

/// <summary>
/// The store interfaces over <see cref="InMemoryState"/>: reads see committed state, writes go to a sink
/// that either applies them at once or buffers them in a transaction.
/// </summary>
internal sealed class InMemoryWriter(InMemoryState state, Action<IReadOnlyList<Action<InMemoryState>>> sink)
    : ICheckpointStore, IDedupStore, IDeadLetterStore, IRunHistoryStore
{
    public ValueTask<Cursor?> GetAsync(JobId job, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Read(s => s.Checkpoints.GetValueOrDefault(job)));

    public ValueTask SaveAsync(JobId job, Cursor cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        return Write(s => s.Checkpoints[job] = cursor);
    }

    public ValueTask DeleteAsync(JobId job, CancellationToken cancellationToken) =>
        Write(s => s.Checkpoints.Remove(job));

    // A reservation is a hold, not data: it applies at once even inside a transaction, so two workers
    // never both acquire a key. A rolled-back holder's reservation simply expires or is released.
    public ValueTask<IReadOnlyList<DedupReservation>> ReserveAsync(string scope, IReadOnlyList<string> keys, TimeSpan hold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        lock (state.Sync)
        {
            var now = state.TimeProvider.GetUtcNow();
            var result = new DedupReservation[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                var id = (scope, keys[i]);
                var status = state.Dedup.TryGetValue(id, out var entry) switch
                {
                    false => DedupStatus.Acquired,
                    true when entry.CompletedAt is not null => DedupStatus.AlreadyCompleted,
                    true when entry.HeldUntil > now => DedupStatus.HeldElsewhere,
                    true => DedupStatus.Reacquired,
                };
                if (status is DedupStatus.Acquired or DedupStatus.Reacquired)
                {
                    state.Dedup[id] = new InMemoryState.DedupEntry(null, now + hold);
                }

                result[i] = new DedupReservation(keys[i], status);
            }

            return ValueTask.FromResult<IReadOnlyList<DedupReservation>>(result);
        }
    }

    public ValueTask CompleteAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var completed = keys.ToArray();
        return Write(s =>
        {
            var now = s.TimeProvider.GetUtcNow();
            foreach (var key in completed)
            {
                s.Dedup[(scope, key)] = new InMemoryState.DedupEntry(now, now);
            }
        });
    }

    public ValueTask ReleaseAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var released = keys.ToArray();
        return Write(s =>
        {
            foreach (var key in released)
            {
                if (s.Dedup.TryGetValue((scope, key), out var entry) && entry.CompletedAt is null)
                {
                    s.Dedup.Remove((scope, key));
                }
            }
        });
    }

    public ValueTask<IReadOnlySet<string>> GetCompletedAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlySet<string>>(Read(s =>
            keys.Where(k => s.Dedup.TryGetValue((scope, k), out var e) && e.CompletedAt is not null).ToHashSet(StringComparer.Ordinal)));

    public ValueTask<int> PurgeAsync(DateTimeOffset completedBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (state.Sync)
        {
            var now = state.TimeProvider.GetUtcNow();
            var expired = state.Dedup
                .Where(p => p.Value.CompletedAt is { } at ? at < completedBefore : p.Value.HeldUntil <= now)
                .Select(p => p.Key)
                .Take(limit)
                .ToList();
            expired.ForEach(k => state.Dedup.Remove(k));
            return ValueTask.FromResult(expired.Count);
        }
    }

    // Dead-letter writes decide when they apply, under the lock: at once, or at the commit of their transaction.
    public ValueTask AddAsync(IReadOnlyList<DeadLetter> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var added = entries.ToArray();
        return Write(s =>
        {
            foreach (var entry in added)
            {
                var id = (entry.Job, entry.RecordKey);
                if (entry.MergeInto(s.DeadLetters.GetValueOrDefault(id)) is { } kept)
                {
                    s.DeadLetters[id] = kept;
                }
            }
        });
    }

    public ValueTask<int> UpdateAsync(IReadOnlyList<DeadLetter> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var updated = entries.ToArray();
        var count = Read(s => updated.Count(e => IsStored(s, e.Job, DeadLetterId.Of(e))));
        return Continue(Write(s => Array.ForEach(updated, e =>
        {
            if (IsStored(s, e.Job, DeadLetterId.Of(e)))
            {
                s.DeadLetters[(e.Job, e.RecordKey)] = e;
            }
        })), count);
    }

    public ValueTask<int> RemoveAsync(JobId job, IReadOnlyList<DeadLetterId> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var removed = entries.ToArray();
        var count = Read(s => removed.Count(id => IsStored(s, job, id)));
        return Continue(Write(s => Array.ForEach(removed, id =>
        {
            if (IsStored(s, job, id))
            {
                s.DeadLetters.Remove((job, id.RecordKey));
            }
        })), count);
    }

    public ValueTask<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ValueTask.FromResult<IReadOnlyList<DeadLetter>>(Read(s => s.DeadLetters.Values
            .Where(query.Matches)
            .OrderBy(e => e.NextAttemptAt ?? DateTimeOffset.MaxValue)
            .ThenBy(e => e.RecordKey, StringComparer.Ordinal)
            .Take(query.Limit)
            .ToList()));
    }

    public ValueTask<int> CountAsync(JobId job, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Read(s => s.DeadLetters.Keys.Count(k => k.Job == job)));

    public ValueTask SaveRunAsync(RunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Write(s => s.Runs[run.RunId] = run);
    }

    public ValueTask<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Read(s => s.Runs.GetValueOrDefault(runId)));

    public ValueTask<IReadOnlyList<RunRecord>> QueryRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ValueTask.FromResult<IReadOnlyList<RunRecord>>(Read(s => s.Runs.Values
            .Where(query.Matches)
            .OrderByDescending(r => r.StartedAt)
            .ThenByDescending(r => r.RunId, StringComparer.Ordinal)
            .Take(query.Limit)
            .ToList()));
    }

    public ValueTask<IReadOnlyDictionary<RunKind, RunCounts>> SumCountsByKindAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ValueTask.FromResult(Read(s => RunCounts.SumByKind(s.Runs.Values.Where(query.Matches))));
    }

    public ValueTask AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var added = entries.ToArray();
        return Write(s => s.Audit.AddRange(added.Select(entry => (++s.LastAuditSeq, entry))));
    }

    public ValueTask<IReadOnlyList<AuditEntry>> GetAuditAsync(JobId job, string recordKey, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<AuditEntry>>(Read(s => s.Audit.Select(a => a.Entry).Where(a => a.Job == job && a.RecordKey == recordKey).ToList()));

    public ValueTask<RunAuditPage> GetRunAuditAsync(RunAuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        var after = query.After ?? 0;
        var entries = Read(s => s.Audit.Where(a => a.Seq > after && a.Entry.RunId == query.RunId).Take(query.Limit + 1).ToList());
        return ValueTask.FromResult(entries.Count > query.Limit
            ? new RunAuditPage(entries[..query.Limit].ConvertAll(a => a.Entry), entries[query.Limit - 1].Seq)
            : new RunAuditPage(entries.ConvertAll(a => a.Entry), null));
    }

    ValueTask<int> IRunHistoryStore.PurgeAsync(DateTimeOffset endedBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (state.Sync)
        {
            var old = state.Runs.Values
                .Where(r => r.EndedAt < endedBefore)
                .OrderBy(r => r.EndedAt)
                .Take(limit)
                .Select(r => r.RunId)
                .ToHashSet(StringComparer.Ordinal);
            foreach (var runId in old)
            {
                state.Runs.Remove(runId);
            }

            state.Audit.RemoveAll(a => old.Contains(a.Entry.RunId));
            return ValueTask.FromResult(old.Count);
        }
    }

    ValueTask<int> IRunHistoryStore.PurgeAuditAsync(DateTimeOffset recordedBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (state.Sync)
        {
            var old = state.Audit.Take(limit).Where(a => a.Entry.At < recordedBefore).Select(a => a.Seq).ToHashSet();
            state.Audit.RemoveAll(a => old.Contains(a.Seq));
            return ValueTask.FromResult(old.Count);
        }
    }

    public IReadOnlyList<JobHealthInputs> ReadHealthInputs(IReadOnlyList<JobId> jobs, DateTimeOffset windowStart) => Read(s =>
    {
        var wanted = jobs.ToHashSet();
        var runsOf = s.Runs.Values.Where(r => wanted.Contains(r.Job)).ToLookup(r => r.Job);
        var deadLettersOf = s.DeadLetters.Values.Where(d => wanted.Contains(d.Job)).ToLookup(d => d.Job);
        return (IReadOnlyList<JobHealthInputs>)[.. jobs.Select(job =>
        {
            var runs = runsOf[job];
            var deadLetters = deadLettersOf[job];
            return new JobHealthInputs(job)
            {
                Checkpoint = s.Checkpoints.GetValueOrDefault(job),
                LatestSync = Latest(runs, r => r.Kind == RunKind.Sync),
                LatestSuccess = Latest(runs, r => r.Kind == RunKind.Sync && r.Outcome is RunOutcome.Succeeded or RunOutcome.CompletedWithDeadLetters),
                LatestIncrementalReconciliation = Latest(runs, r => r.Kind == RunKind.IncrementalReconciliation),
                LatestFullReconciliation = Latest(runs, r => r.Kind == RunKind.FullReconciliation),
                WindowCounts = RunCounts.SumByKind(runs.Where(r => r.StartedAt >= windowStart)),
                DeadLetters = deadLetters.Count(),
                HasParkedDeadLetters = deadLetters.Any(d => d.Status == DeadLetterStatus.Parked),
            };
        })];
    });

    // The newest first, as QueryRunsAsync lists them.
    private static RunSummary? Latest(IEnumerable<RunRecord> runs, Func<RunRecord, bool> match) =>
        runs.Where(match)
            .OrderByDescending(r => r.StartedAt)
            .ThenByDescending(r => r.RunId, StringComparer.Ordinal)
            .Select(RunSummary.Of)
            .FirstOrDefault();

    private static bool IsStored(InMemoryState state, JobId job, DeadLetterId id) =>
        state.DeadLetters.TryGetValue((job, id.RecordKey), out var stored) && stored.Is(id);

    private static async ValueTask<int> Continue(ValueTask write, int result)
    {
        await write.ConfigureAwait(false);
        return result;
    }

    private TResult Read<TResult>(Func<InMemoryState, TResult> read)
    {
        lock (state.Sync)
        {
            return read(state);
        }
    }

    private ValueTask Write(Action<InMemoryState> write)
    {
        sink([write]);
        return ValueTask.CompletedTask;
    }
}
