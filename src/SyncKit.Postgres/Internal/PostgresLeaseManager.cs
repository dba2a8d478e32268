using System.Collections.Concurrent;
using Npgsql;

namespace SyncKit.Postgres.Internal;

/// <summary>
/// Job leases in the store's <c>leases</c> table. Expiry is computed by the database clock, so instances
/// with skewed clocks agree on it; every grant increments the job's fencing token. Only row locks and
/// single statements are used (no session state), which keeps it safe behind PgBouncer in transaction mode.
/// </summary>
internal sealed class PostgresLeaseManager(PostgresDatabase database, LeaseRegistry registry, string owner, TimeSpan duration, TimeSpan renewInterval)
    : IJobLeaseManager
{
    private readonly PostgresSql _sql = database.Sql;
    // Jobs whose lease row exists, so later claims skip creating it.
    private readonly ConcurrentDictionary<JobId, bool> _rowsCreated = new();

    public string Owner => owner;

    public TimeSpan LeaseDuration => duration;

    public TimeSpan RenewInterval => renewInterval;

    public async ValueTask<IReadOnlyList<JobLease>> TryAcquireAsync(IReadOnlyList<JobId> candidates, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        if (candidates.Count == 0 || maxCount == 0)
        {
            return [];
        }

        // A fixed order keeps two instances creating the same rows from deadlocking on each other.
        var jobs = candidates.Distinct().OrderBy(j => j.Tenant, StringComparer.Ordinal).ThenBy(j => j.Stream, StringComparer.Ordinal).ToList();
        var tenants = jobs.ConvertAll(j => j.Tenant).ToArray();
        var streams = jobs.ConvertAll(j => j.Stream).ToArray();
        var newJobs = jobs.Where(j => !_rowsCreated.ContainsKey(j)).ToList();

        var leases = new List<JobLease>();
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var batch = new NpgsqlBatch(connection);
            await using (batch.ConfigureAwait(false))
            {
                if (newJobs.Count > 0)
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(_sql.EnsureLeaseRows)
                        .With(newJobs.ConvertAll(j => j.Tenant).ToArray())
                        .With(newJobs.ConvertAll(j => j.Stream).ToArray()));
                }

                batch.BatchCommands.Add(new NpgsqlBatchCommand(_sql.AcquireLeases).With(tenants).With(streams).With(owner).With(duration).With(maxCount));
                var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        leases.Add(new JobLease(new JobId(reader.GetString(0), reader.GetString(1)), owner, reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3)));
                    }
                }
            }
        }

        newJobs.ForEach(j => _rowsCreated.TryAdd(j, true));
        foreach (var lease in leases)
        {
            registry.Granted(lease);
            Log.LeaseAcquired(database.Logger, lease.Job.Tenant, lease.Job.Stream, owner, lease.FencingToken);
        }

        return leases;
    }

    public async ValueTask<JobLease> RenewAsync(JobLease lease, CancellationToken cancellationToken)
    {
        ThrowIfNotMine(lease);
        var command = await Command(_sql.RenewLease, lease, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        {
            if (await command.With(duration).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime expiresAt)
            {
                return lease with { ExpiresAt = new DateTimeOffset(expiresAt, TimeSpan.Zero) };
            }
        }

        registry.Ended(lease.Job, lease.FencingToken);
        Log.LeaseLost(database.Logger, lease.Job.Tenant, lease.Job.Stream, owner, lease.FencingToken);
        throw new LeaseLostException(lease.Job, lease.FencingToken, $"The lease of {lease.Job} (fencing token {lease.FencingToken}) was taken over or released; {owner} no longer holds it.");
    }

    public async ValueTask ReleaseAsync(JobLease lease, CancellationToken cancellationToken)
    {
        ThrowIfNotMine(lease);
        registry.Ended(lease.Job, lease.FencingToken);
        var command = await Command(_sql.ReleaseLease, lease, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        Log.LeaseReleased(database.Logger, lease.Job.Tenant, lease.Job.Stream, owner, lease.FencingToken);
    }

    /// <summary>Releases every lease this instance holds (on shutdown), so other instances take the jobs at once.</summary>
    public async Task ReleaseAllAsync(CancellationToken cancellationToken)
    {
        foreach (var lease in registry.Held().ToList())
        {
            await ReleaseAsync(lease, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<NpgsqlCommand> Command(string sql, JobLease lease, CancellationToken cancellationToken)
    {
        await database.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return database.DataSource.CreateCommand(sql).With(lease.Job.Tenant).With(lease.Job.Stream).With(owner).With(lease.FencingToken);
    }

    private void ThrowIfNotMine(JobLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        if (!string.Equals(lease.Owner, owner, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The lease of {lease.Job} belongs to {lease.Owner}, not to this manager's owner {owner}.", nameof(lease));
        }
    }
}
