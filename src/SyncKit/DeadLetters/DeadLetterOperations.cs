using SyncKit.Diagnostics.Internal;
using SyncKit.Engine.Internal;
using SyncKit.Jobs.Internal;
using SyncKit.Operations.Internal;
using SyncKit.Sources.Internal;

namespace SyncKit;

/// <summary>Lists, retries now and discards dead letters, per tenant and job. Retries and discards are recorded in run history.</summary>
public sealed class DeadLetterOperations
{
    private readonly SyncEngine _engine;

    /// <summary>Creates the operations.</summary>
    /// <param name="engine">The engine whose store runs retries.</param>
    public DeadLetterOperations(SyncEngine engine) =>
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));

    /// <summary>Lists dead letters, oldest next attempt first.</summary>
    /// <param name="query">The filter: a tenant, a job (<see cref="DeadLetterQuery.ForJob"/>), a status.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    public Task<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _engine.Store.DeadLetters.ListAsync(query, cancellationToken).AsTask();
    }

    /// <summary>
    /// Makes the given dead letters due now (parked ones included) and re-drives the job's due dead letters
    /// through its destination at once, in a run of kind <see cref="RunKind.DeadLetterRetry"/>. Resolved entries are
    /// removed; failing ones count one more attempt and park again once out of attempts.
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="job">The job.</param>
    /// <param name="recordKeys">The records to retry.</param>
    /// <param name="actor">Who asks.</param>
    /// <param name="cancellationToken">Cancels the retry.</param>
    /// <returns>The retry's run record; its counts say what was resolved.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting of the job's options is invalid; the message names it.</exception>
    /// <remarks>
    /// The entries asked for are re-driven whatever <see cref="DeadLetterSettings.RedriveBatchLimit"/> says; other entries
    /// already due are re-driven too, oldest first, up to that limit.
    /// The retry has the job to itself in this engine (it waits for a run in progress, see <see cref="SyncEngine.RunAsync{T}(SyncJob{T}, CancellationToken)"/>),
    /// and resolves or reschedules only the entries at the positions it re-drove: a record that failed again at a
    /// newer position meanwhile keeps that newer entry. Hosts sharing jobs through leases retry through
    /// <see cref="SyncJobRunner.RetryDeadLettersAsync"/>, which holds the job's lease.
    /// </remarks>
    public async Task<RunRecord> RetryNowAsync<T>(SyncJob<T> job, IReadOnlyList<string> recordKeys, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        SyncJobOptionsValidator.ThrowIfInvalid(job.Id, job.Options);
        ArgumentNullException.ThrowIfNull(recordKeys);
        var wanted = recordKeys.ToHashSet(StringComparer.Ordinal);
        var entries = await FindAsync(job.Id, e => wanted.Contains(e.RecordKey), cancellationToken).ConfigureAwait(false);
        Log.DeadLettersRetried(_engine.Services.Logger, actor, entries.Count, job.Id.Tenant, job.Id.Stream);
        var action = new OperatorAction(actor, null, entries.ConvertAll(e => e.RecordKey));
        var request = new RunRequest<T>(RunKind.DeadLetterRetry, new ListSource<T>([]), job.Destination) { Report = action.ToJson(), DueNow = entries };
        return await _engine.RunAsync(job, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the given dead letters for good, as they were listed, recording the discard (and an audit entry per
    /// record) in the same transaction.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="entries">
    /// The entries to discard, by record key and the position they were listed at (<see cref="DeadLetterId.Of"/>). An entry
    /// whose record failed again at another position since it was listed is kept: that failure was never seen.
    /// </param>
    /// <param name="actor">Who discards them.</param>
    /// <param name="reason">Why, for the record.</param>
    /// <param name="cancellationToken">Cancels the discard.</param>
    /// <returns>The run record of kind <see cref="RunKind.DeadLetterDiscard"/>; its report lists the keys discarded.</returns>
    /// <remarks>
    /// The discard has the job to itself in this engine (it waits for a run in progress). Hosts sharing jobs through
    /// leases discard through <see cref="SyncJobRunner.DiscardDeadLettersAsync"/>, which holds the job's lease.
    /// </remarks>
    public async Task<RunRecord> DiscardAsync(JobId job, IReadOnlyList<DeadLetterId> entries, string actor, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var services = _engine.Services;
        using var exclusive = await services.Gates.EnterAsync(job, RunKind.DeadLetterDiscard, cancellationToken).ConfigureAwait(false);
        using var activity = SyncKitActivity.StartRun("synckit.dead_letters.discard", job, RunKind.DeadLetterDiscard, out var runId);
        var found = await FindAsync(job, e => entries.Any(e.Is), cancellationToken).ConfigureAwait(false);
        var now = services.TimeProvider.GetUtcNow();
        var action = new OperatorAction(actor, reason, found.ConvertAll(e => e.RecordKey));
        var record = OperatorRuns.Create(runId, job, RunKind.DeadLetterDiscard, now, action);
        var transaction = await services.Store.BeginTransactionAsync(job, cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            if (found.Count > 0)
            {
                await transaction.DeadLetters.RemoveAsync(job, found.ConvertAll(DeadLetterId.Of), cancellationToken).ConfigureAwait(false);
                var audit = found.ConvertAll(e => new AuditEntry(runId, job, e.RecordKey, e.Position, AuditActions.Discarded, now));
                await transaction.Runs.AppendAuditAsync(audit, cancellationToken).ConfigureAwait(false);
            }

            await transaction.Runs.SaveRunAsync(record, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        Log.DeadLettersDiscarded(services.Logger, actor, found.Count, job.Tenant, job.Stream, reason);
        return record;
    }

    private async Task<List<DeadLetter>> FindAsync(JobId job, Func<DeadLetter, bool> wanted, CancellationToken cancellationToken)
    {
        var entries = await _engine.Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(job) with { Limit = int.MaxValue }, cancellationToken).ConfigureAwait(false);
        return [.. entries.Where(wanted)];
    }
}
