using Microsoft.Extensions.Options;
using SyncKit.Engine.Internal;
using SyncKit.Jobs.Internal;
using SyncKit.Operations.Internal;
using SyncKit.Sources.Internal;

namespace SyncKit;

/// <summary>
/// Runs a job over a past window without moving its checkpoint: a dry-run replay that only says what would be
/// written, or a backfill through the real destination. The job's source must implement <see cref="IWindowedSource{T}"/>.
/// </summary>
public sealed class WindowOperations
{
    private readonly SyncEngine _engine;

    /// <summary>Creates the operations.</summary>
    /// <param name="engine">The engine that runs them.</param>
    public WindowOperations(SyncEngine engine) =>
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));

    /// <summary>
    /// Runs the engine over the records changed in <c>[from, to)</c> against a recording destination and returns
    /// the operations that would run. Nothing is written anywhere: not the destination, not the checkpoint, not
    /// the dead-letter queue, not even run history, so the state store stays byte-identical. The replay's run
    /// record is returned only.
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="job">The job.</param>
    /// <param name="from">The window's inclusive start.</param>
    /// <param name="to">The window's exclusive end.</param>
    /// <param name="cancellationToken">Cancels the replay.</param>
    /// <returns>The run and the operations, in position order.</returns>
    /// <exception cref="OptionsValidationException">A setting of the job's options is invalid; the message names it.</exception>
    /// <remarks>
    /// When the destination implements <see cref="IReconcilableDestination{T}"/>, the replay reads the rows it holds
    /// and marks records whose version it already holds as <see cref="ReplayAction.Unchanged"/>. The operations
    /// are kept in memory, so replay windows an operator can read.
    /// </remarks>
    public async Task<ReplayResult<T>> ReplayAsync<T>(SyncJob<T> job, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        SyncJobOptionsValidator.ThrowIfInvalid(job.Id, job.Options);
        var window = OpenWindow(job, from, to);
        await using (window.ConfigureAwait(false))
        {
            var recording = new RecordingDestination<T>(job.Destination as IReconcilableDestination<T>);
            var run = await _engine.RunAsync(job, Request(RunKind.Replay, window, recording, from, to), cancellationToken).ConfigureAwait(false);
            return new ReplayResult<T>(run, recording.Operations());
        }
    }

    /// <summary>
    /// Re-syncs the records changed in <c>[from, to)</c> through the job's real destination, on the normal
    /// idempotent path (failures are dead-lettered, audit entries written when enabled), without touching the
    /// checkpoint and without re-driving dead letters.
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="job">The job.</param>
    /// <param name="from">The window's inclusive start.</param>
    /// <param name="to">The window's exclusive end.</param>
    /// <param name="cancellationToken">Asks for a graceful stop, as for a regular run.</param>
    /// <returns>The backfill's run record (kind <see cref="RunKind.Backfill"/>; its cursors are the window's bounds), also saved in run history.</returns>
    /// <exception cref="OptionsValidationException">A setting of the job's options is invalid; the message names it.</exception>
    public async Task<RunRecord> BackfillAsync<T>(SyncJob<T> job, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        SyncJobOptionsValidator.ThrowIfInvalid(job.Id, job.Options);
        var window = OpenWindow(job, from, to);
        await using (window.ConfigureAwait(false))
        {
            return await _engine.RunAsync(job, Request(RunKind.Backfill, window, job.Destination, from, to), cancellationToken).ConfigureAwait(false);
        }
    }

    private static WindowSource<T> OpenWindow<T>(SyncJob<T> job, DateTimeOffset from, DateTimeOffset to)
    {
        if (from >= to)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, $"The window must end after it starts ({from:O}).");
        }

        return job.Source is IWindowedSource<T> windowed
            ? new WindowSource<T>(windowed, job.Id, from, to)
            : throw new InvalidOperationException($"The source of {job.Id} cannot read a window: implement {nameof(IWindowedSource<T>)}<T> to replay or backfill it.");
    }

    private static RunRequest<T> Request<T>(RunKind kind, ISource<T> source, IDestination<T> destination, DateTimeOffset from, DateTimeOffset to) =>
        new(kind, source, destination) { Window = (Cursor.At(from, string.Empty), Cursor.At(to, string.Empty)) };
}
