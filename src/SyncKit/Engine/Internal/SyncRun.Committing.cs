using SyncKit.Diagnostics.Internal;

namespace SyncKit.Engine.Internal;

/// <summary>A run's committing stage: the low watermark, dead letters and audit entries, committed in one transaction.</summary>
internal sealed partial class SyncRun<T>
{
    /// <summary>
    /// Under the commit gate: marks records done, writes dead letters and audit entries, moves the checkpoint to
    /// the new low watermark, and commits them in one transaction (the destination's writes too, when it
    /// enlisted). Once records are marked done, a failure to commit fails the run, so no later commit can move
    /// the checkpoint past records whose effect is not durable. Records count as handled only once committed.
    /// </summary>
    private async Task CommitAsync(IStateTransaction? transaction, Settled settled, CancellationToken cancellationToken)
    {
        _abort.Token.ThrowIfCancellationRequested();
        Cursor? advancedTo = null;
        try
        {
            var watermark = _tracker.CompleteAll(settled.Sequences);
            if (_run.Request.WritesState)
            {
                advancedTo = _run.Request.MovesCheckpoint && watermark is not null && !watermark.Equals(_committed) ? watermark : null;
                if (settled.DeadLetters is { } dead && _run.Audits)
                {
                    dead.ForEach(d => settled.Audit(_run.Audit(d.Record, AuditActions.DeadLettered)));
                }

                if (transaction is not null || advancedTo is not null || settled.DeadLetters is not null || settled.AuditEntries is not null)
                {
                    await WriteAndCommitAsync(transaction, settled, advancedTo, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (!_abort.IsCancellationRequested)
        {
            Fail(ex);
            throw new RunFailedException(ex);
        }

        settled.ReportTo(_run.Evidence);
        if (!_run.Request.WritesState)
        {
            return;
        }

        foreach (var (record, outcome) in settled.DeadLetters ?? [])
        {
            _run.Evidence.DeadLetter(record.Key);
            Log.RecordDeadLettered(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, record.Key, outcome.ErrorClass, settled.Attempts, ErrorText.Clean(outcome.Error) ?? string.Empty);
        }

        if (advancedTo is not null)
        {
            _committed = advancedTo;
            _run.Metrics.CheckpointCommitted(_run.Id, advancedTo);
            Log.CheckpointCommitted(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, advancedTo);
        }
    }

    private async Task WriteAndCommitAsync(IStateTransaction? transaction, Settled settled, Cursor? checkpoint, CancellationToken cancellationToken)
    {
        var owned = transaction is null;
        transaction ??= await BeginAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (settled.DeadLetters is { } deadLetters)
            {
                var entries = deadLetters.ConvertAll(d => _run.NewDeadLetter(d.Record, d.Outcome.ErrorClass, d.Outcome.Error ?? d.Outcome.ErrorClass.ToString(), settled.Attempts));
                await transaction.DeadLetters.AddAsync(entries, cancellationToken).ConfigureAwait(false);
            }

            if (settled.AuditEntries is { } audit)
            {
                await transaction.Runs.AppendAuditAsync(audit, cancellationToken).ConfigureAwait(false);
            }

            if (checkpoint is not null)
            {
                await transaction.Checkpoints.SaveAsync(_run.Id, checkpoint, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (owned)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Commits the final watermark (continuation markers after the last batch) unless the run halted.</summary>
    private async Task FlushAsync()
    {
        if (_failure is not null || _abort.IsCancellationRequested)
        {
            return;
        }

        await _commitGate.WaitAsync(_abort.Token).ConfigureAwait(false);
        try
        {
            using var nothing = new Settled(0);
            await CommitAsync(null, nothing, _abort.Token).ConfigureAwait(false);
        }
        finally
        {
            _commitGate.Release();
        }
    }
}
