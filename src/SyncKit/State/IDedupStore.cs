namespace SyncKit;

/// <summary>
/// Guards one-time side effects (a welcome e-mail, a webhook) with reserve → perform → complete.
/// </summary>
/// <remarks>
/// A key is reserved for a hold period before the effect is performed and completed after it. If the
/// process dies between performing and completing, the hold expires and the next reservation is
/// <see cref="DedupStatus.Reacquired"/>: the only window in which an effect can repeat, and it is
/// reported, never silent. All operations take a batch of keys and cost one round trip.
/// </remarks>
public interface IDedupStore
{
    /// <summary>Tries to reserve each key.</summary>
    /// <param name="scope">The effect's namespace, for example <c>tenant-a/welcome-email</c>.</param>
    /// <param name="keys">The keys to reserve.</param>
    /// <param name="hold">How long a reservation stays valid without being completed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One reservation per key, in the same order.</returns>
    ValueTask<IReadOnlyList<DedupReservation>> ReserveAsync(string scope, IReadOnlyList<string> keys, TimeSpan hold, CancellationToken cancellationToken);

    /// <summary>Marks reserved keys as done; later reservations answer <see cref="DedupStatus.AlreadyCompleted"/>.</summary>
    /// <param name="scope">The effect's namespace.</param>
    /// <param name="keys">The keys whose effect was performed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the marks are written.</returns>
    ValueTask CompleteAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>Drops reservations whose effect was not performed, so they can be reserved again at once.</summary>
    /// <param name="scope">The effect's namespace.</param>
    /// <param name="keys">The keys to release; completed keys stay completed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the reservations are dropped.</returns>
    ValueTask ReleaseAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>Returns which of the keys are completed.</summary>
    /// <param name="scope">The effect's namespace.</param>
    /// <param name="keys">The keys to look up.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The completed keys among <paramref name="keys"/>.</returns>
    ValueTask<IReadOnlySet<string>> GetCompletedAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes one batch of completed keys older than the retention limit, and of expired reservations, in one short
    /// write: call it again until it returns less than <paramref name="limit"/>.
    /// </summary>
    /// <param name="completedBefore">Completed keys whose completion is older than this are deleted.</param>
    /// <param name="limit">At most this many keys, at least 1.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many keys were deleted.</returns>
    ValueTask<int> PurgeAsync(DateTimeOffset completedBefore, int limit, CancellationToken cancellationToken);
}
