using SyncKit.Diagnostics.Internal;
using SyncKit.Engine.Internal;
using SyncKit.Operations.Internal;
using SyncKit.Sources.Internal;

namespace SyncKit;

/// <summary>
/// Closes gaps reconciliation could not: a force repair re-reads named records from the source and overwrites them at
/// the destination whatever version it holds. Each force repair is a run in run history with who asked, why and
/// which records, and an audit entry per record written.
/// </summary>
public sealed class RepairOperations
{
    private readonly SyncEngine _engine;

    /// <summary>Creates the operations.</summary>
    /// <param name="engine">The engine that runs them.</param>
    public RepairOperations(SyncEngine engine) =>
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));

    /// <summary>
    /// Reads each record from the source by key and writes it over whatever version the destination holds, through
    /// the engine's normal path (retries, dead letters, the destination's transaction) in a run of kind
    /// <see cref="RunKind.ForceRepair"/> that leaves the checkpoint alone.
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="job">The job.</param>
    /// <param name="recordKeys">The records to overwrite: typically the keys a reconciliation report lists as unrepaired.</param>
    /// <param name="actor">Who asks.</param>
    /// <param name="reason">Why, for the record.</param>
    /// <param name="cancellationToken">Asks for a graceful stop, as for a regular run.</param>
    /// <returns>
    /// The run record, also saved in run history; <see cref="OperatorAction.FromRun"/> reads who, why and the keys
    /// asked for. Keys the source no longer has are not written: its <see cref="RunCounts.Read"/> says how many it had.
    /// </returns>
    /// <exception cref="InvalidOperationException">
    /// The job's destination cannot write regardless of version (it does not implement
    /// <see cref="IOverwritableDestination{T}"/>), or its source cannot read a record by key (<see cref="IKeyLookupSource{T}"/>).
    /// Nothing is read, written or recorded.
    /// </exception>
    /// <remarks>
    /// Overwriting is for a record whose version went backwards at the source, which every ordinary write skips for
    /// ever: make sure the source holds the version the destination should keep. Health keeps naming an unrepaired
    /// gap until a reconciliation pass finds it closed; reconcile the job now to confirm a force repair at once.
    /// </remarks>
    public Task<RunRecord> ForceRepairAsync<T>(SyncJob<T> job, IReadOnlyList<string> recordKeys, string actor, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(recordKeys);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (recordKeys.Count == 0)
        {
            throw new ArgumentException("Name the records to overwrite.", nameof(recordKeys));
        }

        var overwritable = job.Destination as IOverwritableDestination<T> ?? throw new InvalidOperationException(
            $"{job.Destination.GetType().Name} of {job.Id} cannot write regardless of the version it holds, so it cannot be force-repaired: it must implement {nameof(IOverwritableDestination<T>)}.");
        var lookup = job.Source as IKeyLookupSource<T> ?? throw new InvalidOperationException(
            $"{job.Source.GetType().Name} of {job.Id} cannot read a record by key, so it cannot be force-repaired: it must implement {nameof(IKeyLookupSource<T>)}.");

        var keys = recordKeys.Distinct(StringComparer.Ordinal).ToList();
        var action = new OperatorAction(actor, reason, keys);
        Log.ForceRepairing(_engine.Services.Logger, actor, keys.Count, job.Id.Tenant, job.Id.Stream, reason);
        var request = new RunRequest<T>(RunKind.ForceRepair, new KeysSource<T>(lookup, keys), new OverwritingDestination<T>(job.Destination, overwritable))
        {
            Report = action.ToJson(),
        };
        return _engine.RunAsync(job, request, cancellationToken);
    }
}
