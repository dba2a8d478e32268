using SyncKit.Testing.Conformance.Internal;

namespace SyncKit.Testing;

public abstract partial class StateStoreConformanceKit
{
    private static IEnumerable<(string Name, Func<StateStoreConformanceKit, Task> Run)> CheckpointCases() =>
    [
        Case(nameof(Checkpoints_GetAsync_NeverSaved_ReturnsNull), k => k.Checkpoints_GetAsync_NeverSaved_ReturnsNull()),
        .. CursorShapes.Keys.Select(shape => Case($"{nameof(Checkpoints_SaveAsync_CursorShape_RoundTripsExactly)}({shape})", k => k.Checkpoints_SaveAsync_CursorShape_RoundTripsExactly(shape))),
        Case(nameof(Checkpoints_SaveAsync_AdvancingCursors_ReadsTheLatestEveryTime), k => k.Checkpoints_SaveAsync_AdvancingCursors_ReadsTheLatestEveryTime()),
        Case(nameof(Checkpoints_SaveAsync_EarlierCursor_ReplacesTheLaterOne), k => k.Checkpoints_SaveAsync_EarlierCursor_ReplacesTheLaterOne()),
        Case(nameof(Checkpoints_DeleteAsync_Saved_ReadsAsNoneUntilSavedAgain), k => k.Checkpoints_DeleteAsync_Saved_ReadsAsNoneUntilSavedAgain()),
        Case(nameof(Checkpoints_DeleteAsync_NeverSaved_DoesNothing), k => k.Checkpoints_DeleteAsync_NeverSaved_DoesNothing()),
        Case(nameof(Checkpoints_SaveAndDelete_OneJob_LeavesTheOthersAlone), k => k.Checkpoints_SaveAndDelete_OneJob_LeavesTheOthersAlone()),
    ];

    /// <summary>A job never saved has no checkpoint, so its first run reads from the beginning.</summary>
    /// <returns>The case.</returns>
    private async Task Checkpoints_GetAsync_NeverSaved_ReturnsNull() =>
        Check.Null(await Store.Checkpoints.GetAsync(JobA, Cancellation));

    /// <summary>Each cursor shape comes back exactly as written.</summary>
    /// <param name="shape">The case name.</param>
    /// <returns>The case.</returns>
    private async Task Checkpoints_SaveAsync_CursorShape_RoundTripsExactly(string shape)
    {
        var cursor = CursorCase(shape);

        await Store.Checkpoints.SaveAsync(JobA, cursor, Cancellation);

        AssertSameCursor(cursor, await Store.Checkpoints.GetAsync(JobA, Cancellation));
    }

    /// <summary>Each save replaces the previous checkpoint; a reader never sees an older one again.</summary>
    /// <returns>The case.</returns>
    private async Task Checkpoints_SaveAsync_AdvancingCursors_ReadsTheLatestEveryTime()
    {
        for (var second = 1; second <= 20; second++)
        {
            await Store.Checkpoints.SaveAsync(JobA, At(second), Cancellation);

            AssertSameCursor(At(second), await Store.Checkpoints.GetAsync(JobA, Cancellation));
        }
    }

    /// <summary>
    /// The store keeps what it is given: an earlier cursor replaces a later one (an operator's checkpoint reset).
    /// Keeping the checkpoint monotonic is the engine's job, which commits only low watermarks.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task Checkpoints_SaveAsync_EarlierCursor_ReplacesTheLaterOne()
    {
        await Store.Checkpoints.SaveAsync(JobA, At(100), Cancellation);

        await Store.Checkpoints.SaveAsync(JobA, At(5), Cancellation);

        AssertSameCursor(At(5), await Store.Checkpoints.GetAsync(JobA, Cancellation));
    }

    /// <summary>A deleted checkpoint reads as none, and a later save works again.</summary>
    /// <returns>The case.</returns>
    private async Task Checkpoints_DeleteAsync_Saved_ReadsAsNoneUntilSavedAgain()
    {
        await Store.Checkpoints.SaveAsync(JobA, At(1), Cancellation);

        await Store.Checkpoints.DeleteAsync(JobA, Cancellation);
        Check.Null(await Store.Checkpoints.GetAsync(JobA, Cancellation));

        await Store.Checkpoints.SaveAsync(JobA, At(2), Cancellation);
        AssertSameCursor(At(2), await Store.Checkpoints.GetAsync(JobA, Cancellation));
    }

    /// <summary>Deleting a checkpoint that does not exist is not an error.</summary>
    /// <returns>The case.</returns>
    private async Task Checkpoints_DeleteAsync_NeverSaved_DoesNothing()
    {
        await Store.Checkpoints.DeleteAsync(JobA, Cancellation);

        Check.Null(await Store.Checkpoints.GetAsync(JobA, Cancellation));
    }

    /// <summary>Jobs that share a tenant or a stream keep separate checkpoints.</summary>
    /// <returns>The case.</returns>
    private async Task Checkpoints_SaveAndDelete_OneJob_LeavesTheOthersAlone()
    {
        await Store.Checkpoints.SaveAsync(JobA, At(1), Cancellation);
        await Store.Checkpoints.SaveAsync(JobB, At(2), Cancellation);
        await Store.Checkpoints.SaveAsync(JobC, At(3), Cancellation);

        await Store.Checkpoints.DeleteAsync(JobA, Cancellation);

        Check.Null(await Store.Checkpoints.GetAsync(JobA, Cancellation));
        AssertSameCursor(At(2), await Store.Checkpoints.GetAsync(JobB, Cancellation));
        AssertSameCursor(At(3), await Store.Checkpoints.GetAsync(JobC, Cancellation));
    }
}
