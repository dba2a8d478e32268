using Xunit;

namespace SyncKit.Testing;

public abstract partial class StateStoreConformanceTests
{
    /// <summary>A job never saved has no checkpoint, so its first run reads from the beginning.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Checkpoints_GetAsync_NeverSaved_ReturnsNull() =>
        Assert.Null(await Store.Checkpoints.GetAsync(JobA, CancellationToken.None));

    /// <summary>Each cursor shape comes back exactly as written.</summary>
    /// <param name="shape">The case name.</param>
    /// <returns>The test.</returns>
    [Theory]
    [MemberData(nameof(CursorCases))]
    public async Task Checkpoints_SaveAsync_CursorShape_RoundTripsExactly(string shape)
    {
        var cursor = CursorCase(shape);

        await Store.Checkpoints.SaveAsync(JobA, cursor, CancellationToken.None);

        AssertSameCursor(cursor, await Store.Checkpoints.GetAsync(JobA, CancellationToken.None));
    }

    /// <summary>Each save replaces the previous checkpoint; a reader never sees an older one again.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Checkpoints_SaveAsync_AdvancingCursors_ReadsTheLatestEveryTime()
    {
        for (var second = 1; second <= 20; second++)
        {
            await Store.Checkpoints.SaveAsync(JobA, At(second), CancellationToken.None);

            AssertSameCursor(At(second), await Store.Checkpoints.GetAsync(JobA, CancellationToken.None));
        }
    }

    /// <summary>
    /// The store keeps what it is given: an earlier cursor replaces a later one (an operator's checkpoint reset).
    /// Keeping the checkpoint monotonic is the engine's job, which commits only low watermarks.
    /// </summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Checkpoints_SaveAsync_EarlierCursor_ReplacesTheLaterOne()
    {
        await Store.Checkpoints.SaveAsync(JobA, At(100), CancellationToken.None);

        await Store.Checkpoints.SaveAsync(JobA, At(5), CancellationToken.None);

        AssertSameCursor(At(5), await Store.Checkpoints.GetAsync(JobA, CancellationToken.None));
    }

    /// <summary>A deleted checkpoint reads as none, and a later save works again.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Checkpoints_DeleteAsync_Saved_ReadsAsNoneUntilSavedAgain()
    {
        await Store.Checkpoints.SaveAsync(JobA, At(1), CancellationToken.None);

        await Store.Checkpoints.DeleteAsync(JobA, CancellationToken.None);
        Assert.Null(await Store.Checkpoints.GetAsync(JobA, CancellationToken.None));

        await Store.Checkpoints.SaveAsync(JobA, At(2), CancellationToken.None);
        AssertSameCursor(At(2), await Store.Checkpoints.GetAsync(JobA, CancellationToken.None));
    }

    /// <summary>Deleting a checkpoint that does not exist is not an error.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Checkpoints_DeleteAsync_NeverSaved_DoesNothing()
    {
        await Store.Checkpoints.DeleteAsync(JobA, CancellationToken.None);

        Assert.Null(await Store.Checkpoints.GetAsync(JobA, CancellationToken.None));
    }

    /// <summary>Jobs that share a tenant or a stream keep separate checkpoints.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Checkpoints_SaveAndDelete_OneJob_LeavesTheOthersAlone()
    {
        await Store.Checkpoints.SaveAsync(JobA, At(1), CancellationToken.None);
        await Store.Checkpoints.SaveAsync(JobB, At(2), CancellationToken.None);
        await Store.Checkpoints.SaveAsync(JobC, At(3), CancellationToken.None);

        await Store.Checkpoints.DeleteAsync(JobA, CancellationToken.None);

        Assert.Null(await Store.Checkpoints.GetAsync(JobA, CancellationToken.None));
        AssertSameCursor(At(2), await Store.Checkpoints.GetAsync(JobB, CancellationToken.None));
        AssertSameCursor(At(3), await Store.Checkpoints.GetAsync(JobC, CancellationToken.None));
    }
}
