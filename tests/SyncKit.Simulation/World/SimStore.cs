using System.Data.Common;
using SyncKit.Simulation.Scheduling;

namespace SyncKit.Simulation.World;

/// <summary>
/// The state store as one life of the process sees it: every call does its real work on the real store, then parks
/// until the driver releases it. So the driver chooses how the calls of concurrent runs and operator actions
/// interleave, and a crash can fall between any two of them — after a commit was made durable but before the engine
/// learned it, included.
/// </summary>
internal sealed class SimStore(ISyncStateStore inner, Scheduler scheduler, Incarnation life, bool realIo) : ISyncStateStore
{
    private readonly Calls _calls = new(scheduler, life, realIo);

    public ICheckpointStore Checkpoints => new SimWriter(_calls, inner.Checkpoints, inner.Dedup, inner.DeadLetters, inner.Runs);

    public IDedupStore Dedup => new SimWriter(_calls, inner.Checkpoints, inner.Dedup, inner.DeadLetters, inner.Runs);

    public IDeadLetterStore DeadLetters => new SimWriter(_calls, inner.Checkpoints, inner.Dedup, inner.DeadLetters, inner.Runs);

    public IRunHistoryStore Runs => new SimWriter(_calls, inner.Checkpoints, inner.Dedup, inner.DeadLetters, inner.Runs);

    public async ValueTask<IStateTransaction> BeginTransactionAsync(JobId job, CancellationToken cancellationToken)
    {
        var transaction = await _calls.Run("begin", () => inner.BeginTransactionAsync(job, cancellationToken), opened: true);
        return new SimTransaction(transaction, _calls, life);
    }

    public ValueTask<IReadOnlyList<JobHealthInputs>> ReadHealthInputsAsync(IReadOnlyList<JobId> jobs, DateTimeOffset windowStart, CancellationToken cancellationToken) =>
        _calls.Run("health inputs", () => inner.ReadHealthInputsAsync(jobs, windowStart, cancellationToken));
}

/// <summary>Runs one store call for a life: not at all once it died, and parked at a point afterwards.</summary>
internal sealed class Calls(Scheduler scheduler, Incarnation life, bool realIo)
{
    public async ValueTask<T> Run<T>(string what, Func<ValueTask<T>> call, bool opened = false)
    {
        await NotDeadAsync();
        T result;
        using (realIo ? await scheduler.EnterIoAsync() : default)
        {
            result = await call();
        }

        if (opened && result is IStateTransaction transaction)
        {
            life.Opened(transaction);
        }

        await scheduler.At(life, PointKind.Store, what);
        return result;
    }

    public async ValueTask Run(string what, Func<ValueTask> call)
    {
        await NotDeadAsync();
        using (realIo ? await scheduler.EnterIoAsync() : default)
        {
            await call();
        }

        await scheduler.At(life, PointKind.Store, what);
    }

    /// <summary>Rolls a transaction back; over a real database the driver waits for it like any call on the wire.</summary>
    public async ValueTask DisposeAsync(IStateTransaction transaction)
    {
        using (realIo ? await scheduler.EnterIoAsync() : default)
        {
            await transaction.DisposeAsync();
        }
    }

    private Task NotDeadAsync() => life.Alive ? Task.CompletedTask : Incarnation.Never;
}

/// <summary>A transaction of <see cref="SimStore"/>: its commit is a point like any call; disposing it only rolls back.</summary>
internal sealed class SimTransaction(IStateTransaction inner, Calls calls, Incarnation life) : IStateTransaction
{
    public IStateTransaction Inner => inner;

    public ICheckpointStore Checkpoints => new SimWriter(calls, inner.Checkpoints, inner.Dedup, inner.DeadLetters, inner.Runs);

    public IDedupStore Dedup => new SimWriter(calls, inner.Checkpoints, inner.Dedup, inner.DeadLetters, inner.Runs);

    public IDeadLetterStore DeadLetters => new SimWriter(calls, inner.Checkpoints, inner.Dedup, inner.DeadLetters, inner.Runs);

    public IRunHistoryStore Runs => new SimWriter(calls, inner.Checkpoints, inner.Dedup, inner.DeadLetters, inner.Runs);

    public DbTransaction? DbTransaction => inner.DbTransaction;

    public ValueTask PrepareDbTransactionAsync(CancellationToken cancellationToken) =>
        calls.Run("prepare the database transaction", () => inner.PrepareDbTransactionAsync(cancellationToken));

    public static IStateTransaction Unwrap(IStateTransaction transaction) =>
        transaction is SimTransaction sim ? sim.Inner : transaction;

    public ValueTask CommitAsync(CancellationToken cancellationToken) => calls.Run("commit", () => inner.CommitAsync(cancellationToken));

    public async ValueTask DisposeAsync()
    {
        // A dead process's transactions are rolled back by its death, not by code it never runs.
        if (life.Alive)
        {
            life.Closed(inner);
            await calls.DisposeAsync(inner);
        }
    }
}

/// <summary>Every store interface over a life's <see cref="Calls"/>.</summary>
internal sealed class SimWriter(Calls calls, ICheckpointStore checkpoints, IDedupStore dedup, IDeadLetterStore deadLetters, IRunHistoryStore runs)
    : ICheckpointStore, IDedupStore, IDeadLetterStore, IRunHistoryStore
{
    public ValueTask<Cursor?> GetAsync(JobId job, CancellationToken cancellationToken) =>
        calls.Run("get checkpoint", () => checkpoints.GetAsync(job, cancellationToken));

    public ValueTask SaveAsync(JobId job, Cursor cursor, CancellationToken cancellationToken) =>
        calls.Run($"save checkpoint {cursor}", () => checkpoints.SaveAsync(job, cursor, cancellationToken));

    public ValueTask DeleteAsync(JobId job, CancellationToken cancellationToken) =>
        calls.Run("delete checkpoint", () => checkpoints.DeleteAsync(job, cancellationToken));

    public ValueTask<IReadOnlyList<DedupReservation>> ReserveAsync(string scope, IReadOnlyList<string> keys, TimeSpan hold, CancellationToken cancellationToken) =>
        calls.Run($"reserve {keys.Count}", () => dedup.ReserveAsync(scope, keys, hold, cancellationToken));

    public ValueTask CompleteAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        calls.Run($"complete {keys.Count}", () => dedup.CompleteAsync(scope, keys, cancellationToken));

    public ValueTask ReleaseAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        calls.Run($"release {keys.Count}", () => dedup.ReleaseAsync(scope, keys, cancellationToken));

    public ValueTask<IReadOnlySet<string>> GetCompletedAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        calls.Run($"completed? {keys.Count}", () => dedup.GetCompletedAsync(scope, keys, cancellationToken));

    public ValueTask<int> PurgeAsync(DateTimeOffset completedBefore, int limit, CancellationToken cancellationToken) =>
        calls.Run("purge dedup", () => dedup.PurgeAsync(completedBefore, limit, cancellationToken));

    public ValueTask AddAsync(IReadOnlyList<DeadLetter> entries, CancellationToken cancellationToken) =>
        calls.Run($"add {entries.Count} dead letters", () => deadLetters.AddAsync(entries, cancellationToken));

    public ValueTask<int> UpdateAsync(IReadOnlyList<DeadLetter> entries, CancellationToken cancellationToken) =>
        calls.Run($"update {entries.Count} dead letters", () => deadLetters.UpdateAsync(entries, cancellationToken));

    public ValueTask<int> RemoveAsync(JobId job, IReadOnlyList<DeadLetterId> entries, CancellationToken cancellationToken) =>
        calls.Run($"remove {entries.Count} dead letters", () => deadLetters.RemoveAsync(job, entries, cancellationToken));

    public ValueTask<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterQuery query, CancellationToken cancellationToken) =>
        calls.Run("list dead letters", () => deadLetters.ListAsync(query, cancellationToken));

    public ValueTask<int> CountAsync(JobId job, CancellationToken cancellationToken) =>
        calls.Run("count dead letters", () => deadLetters.CountAsync(job, cancellationToken));

    public ValueTask SaveRunAsync(RunRecord run, CancellationToken cancellationToken) =>
        calls.Run($"save run {run.Kind} {run.Outcome}", () => runs.SaveRunAsync(run, cancellationToken));

    public ValueTask<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        calls.Run("get run", () => runs.GetRunAsync(runId, cancellationToken));

    public ValueTask<IReadOnlyList<RunRecord>> QueryRunsAsync(RunQuery query, CancellationToken cancellationToken) =>
        calls.Run("query runs", () => runs.QueryRunsAsync(query, cancellationToken));

    public ValueTask<IReadOnlyDictionary<RunKind, RunCounts>> SumCountsByKindAsync(RunQuery query, CancellationToken cancellationToken) =>
        calls.Run("sum runs", () => runs.SumCountsByKindAsync(query, cancellationToken));

    public ValueTask AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken) =>
        calls.Run($"audit {entries.Count}", () => runs.AppendAuditAsync(entries, cancellationToken));

    public ValueTask<IReadOnlyList<AuditEntry>> GetAuditAsync(JobId job, string recordKey, CancellationToken cancellationToken) =>
        calls.Run("get audit", () => runs.GetAuditAsync(job, recordKey, cancellationToken));

    public ValueTask<RunAuditPage> GetRunAuditAsync(RunAuditQuery query, CancellationToken cancellationToken) =>
        calls.Run("get run audit", () => runs.GetRunAuditAsync(query, cancellationToken));

    ValueTask<int> IRunHistoryStore.PurgeAsync(DateTimeOffset endedBefore, int limit, CancellationToken cancellationToken) =>
        calls.Run("purge runs", () => runs.PurgeAsync(endedBefore, limit, cancellationToken));

    ValueTask<int> IRunHistoryStore.PurgeAuditAsync(DateTimeOffset recordedBefore, int limit, CancellationToken cancellationToken) =>
        calls.Run("purge audit", () => runs.PurgeAuditAsync(recordedBefore, limit, cancellationToken));
}
