using System.Data.Common;
using Npgsql;

namespace SyncKit.Postgres.Internal;

/// <summary>
/// A state transaction on one pooled connection. Checkpoint writes are held until the commit and sent in one
/// round trip with the COMMIT itself; when the job is leased, its checkpoint write is conditional on the row
/// still carrying this lease's fencing token, so a commit under a stale token is rejected by the database and
/// rolled back whole. A commit of a transaction PostgreSQL already aborted fails instead of reporting success.
/// </summary>
internal sealed class PostgresStateTransaction : IStateTransaction
{
    private readonly PostgresDatabase _database;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly JobId _job;
    private readonly LeaseRegistry.Fence? _fence;
    private readonly LeaseRegistry _registry;
    private readonly PendingCheckpoints _checkpoints;
    private bool _completed;

    public PostgresStateTransaction(PostgresDatabase database, NpgsqlConnection connection, NpgsqlTransaction transaction, JobId job, LeaseRegistry.Fence? fence, LeaseRegistry registry)
    {
        _database = database;
        _connection = connection;
        _transaction = transaction;
        _job = job;
        _fence = fence;
        _registry = registry;
        var writer = new PostgresStateWriter(database, new TransactionScope(connection, transaction));
        _checkpoints = new PendingCheckpoints(writer);
        Dedup = writer;
        DeadLetters = writer;
        Runs = writer;
    }

    public ICheckpointStore Checkpoints => _checkpoints;

    public IDedupStore Dedup { get; }

    public IDeadLetterStore DeadLetters { get; }

    public IRunHistoryStore Runs { get; }

    public DbTransaction DbTransaction => _transaction;

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        var batch = new NpgsqlBatch(_connection, _transaction);
        await using (batch.ConfigureAwait(false))
        {
            var checkedWithCheckpoint = _checkpoints.AddTo(batch, _database, _job, _fence);
            if (_fence is not null && !checkedWithCheckpoint)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(_database.Sql.AssertLease).Fencing(_job, _fence));
            }

            // Every statement above raises in a transaction PostgreSQL already aborted; without one, a probe does.
            if (batch.BatchCommands.Count == 0)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(_database.Sql.AssertNotAborted));
            }

            // The COMMIT travels in the same round trip. A statement that raises (a rejected fenced write, any statement
            // of an aborted transaction) makes the server skip the rest of the batch, so the COMMIT never runs and
            // disposing rolls the transaction back.
            batch.BatchCommands.Add(new NpgsqlBatchCommand(_database.Sql.Commit));
            try
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresSchema.LeaseLostSqlState)
            {
                _registry.Ended(_job, _fence!.Token);
                Log.LeaseLost(_database.Logger, _job.Tenant, _job.Stream, _fence.Owner, _fence.Token);
                throw new LeaseLostException(_job, _fence.Token, ex.MessageText, ex);
            }
            catch (PostgresException ex) when (PostgresStoreFailures.From(ex) is { } failure)
            {
                // A damaged relation, a full disk or a read-only server: no retry of this commit can succeed.
                throw failure;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InFailedSqlTransaction)
            {
                throw new InvalidOperationException(
                    $"The state transaction of {_job} was not committed: PostgreSQL had aborted it because a statement in it failed " +
                    "(a destination's write through the transaction, say), so nothing written in it is durable.",
                    ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _completed = true;
        await _transaction.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Checkpoint writes wait for the commit (the last write per job wins), which also keeps reads inside the
    /// transaction on the committed checkpoint, as with every store.
    /// </summary>
    private sealed class PendingCheckpoints(PostgresStateWriter committed) : ICheckpointStore
    {
        private readonly Dictionary<JobId, Cursor?> _writes = [];

        public ValueTask<Cursor?> GetAsync(JobId job, CancellationToken cancellationToken) => committed.GetAsync(job, cancellationToken);

        public ValueTask SaveAsync(JobId job, Cursor cursor, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(cursor);
            _writes[job] = cursor;
            return ValueTask.CompletedTask;
        }

        public ValueTask DeleteAsync(JobId job, CancellationToken cancellationToken)
        {
            _writes[job] = null;
            return ValueTask.CompletedTask;
        }

        /// <summary>
        /// Adds the held writes to the commit's batch. The fenced job's checkpoint, the usual case, is written by
        /// one statement that is also the lease check; returns whether that happened.
        /// </summary>
        public bool AddTo(NpgsqlBatch batch, PostgresDatabase database, JobId fencedJob, LeaseRegistry.Fence? fence)
        {
            var now = database.Time.GetUtcNow().Utc();
            var checkedLease = false;
            foreach (var (job, cursor) in _writes)
            {
                var fenced = fence is not null && job == fencedJob;
                var sql = (cursor, fenced) switch
                {
                    (null, true) => database.Sql.DeleteCheckpointFenced,
                    (null, false) => database.Sql.DeleteCheckpoint,
                    (_, true) => database.Sql.SaveCheckpointFenced,
                    (_, false) => database.Sql.SaveCheckpoint,
                };
                var command = new NpgsqlBatchCommand(sql);
                command = fenced ? command.Fencing(job, fence!) : command.With(job.Tenant).With(job.Stream);
                batch.BatchCommands.Add(cursor is null ? command.With(now) : command.With(CursorJson.Write(cursor)).With(now));
                checkedLease |= fenced;
            }

            return checkedLease;
        }
    }
}
