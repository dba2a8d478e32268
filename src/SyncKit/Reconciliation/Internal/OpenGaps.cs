using SyncKit.State.Internal;

namespace SyncKit.Reconciliation.Internal;

/// <summary>
/// The gaps earlier passes left open (repairs the destination refused, and gaps a pass found but did not correct),
/// carried into this pass. Each stays open until this pass finds the destination holding the source's version: a pass
/// that stops early, cannot look a key up or does not correct passes it on as it was, so a known gap is never dropped
/// from the evidence because a window moved on.
/// </summary>
internal sealed class OpenGaps
{
    private readonly HashSet<string> _open;
    private readonly HashSet<string> _compared = new(StringComparer.Ordinal);

    private OpenGaps(IEnumerable<string> keys, bool heldForOperator)
    {
        _open = new HashSet<string>(keys, StringComparer.Ordinal);
        HeldForOperator = heldForOperator;
    }

    /// <summary>The gaps still open.</summary>
    public IReadOnlyCollection<string> Keys => _open;

    /// <summary>
    /// Whether the pass that left them paused correction: its gaps wait for an operator (a pass with
    /// <see cref="CorrectionMode.Always"/> or a force repair), not for the next automatic pass whose own window looks clean.
    /// </summary>
    public bool HeldForOperator { get; }

    /// <summary>Open gaps the pass's own comparison has not covered: they are looked up by key.</summary>
    public IEnumerable<string> NotCompared => _open.Where(k => !_compared.Contains(k)).Order(StringComparer.Ordinal);

    /// <summary>Reads the gaps the newest pass of either kind left open: each pass carries every one it did not close, so that report lists them all.</summary>
    public static async Task<OpenGaps> LoadAsync(IRunHistoryStore runs, JobId job, CancellationToken cancellationToken)
    {
        RunSummary? newest = null;
        foreach (var kind in (RunKind[])[RunKind.IncrementalReconciliation, RunKind.FullReconciliation])
        {
            var latest = await runs.QueryRunsAsync(RunQuery.ForJob(job) with { Kind = kind, Limit = 1 }, cancellationToken).ConfigureAwait(false);
            newest = latest.Count > 0 ? PerJobHealthInputs.Newer(newest, RunSummary.Of(latest[0])) : newest;
        }

        var report = newest is null ? null : ReconciliationReport.FromReport(newest.Kind, newest.Report);
        return new OpenGaps(report?.UnrepairedKeys ?? [], report?.CorrectionPaused ?? false);
    }

    /// <summary>The pass compared <paramref name="key"/> with the destination: in sync closes it, a difference makes it a gap of this pass.</summary>
    public void Compared(string key, bool inSync)
    {
        if (inSync)
        {
            _open.Remove(key);
        }
        else if (_open.Contains(key))
        {
            _compared.Add(key);
        }
    }

    /// <summary>The destination holds the source's version of <paramref name="key"/>, or the source no longer has it.</summary>
    public void Close(string key) => _open.Remove(key);
}
