using Xunit;

namespace SyncKit.Testing;

/// <summary>
/// The conformance kit for <see cref="IDestination{T}"/> implementations: writes are idempotent (upsert by
/// key), stale versions are skipped, one outcome is reported per record, and a bad record fails alone; a
/// destination that implements <see cref="IOverwritableDestination{T}"/> also replaces a newer version when told to.
/// A connector's test project inherits this class.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public abstract class DestinationConformanceTests<T>
{
    /// <summary>The job the kit writes for.</summary>
    protected static readonly JobId Job = new("conformance", "destination");

    /// <summary>Creates an empty destination.</summary>
    /// <returns>The destination.</returns>
    protected abstract ValueTask<IDestination<T>> CreateDestinationAsync();

    /// <summary>Creates a record for <paramref name="key"/>; a higher <paramref name="version"/> is a newer change.</summary>
    /// <param name="key">The record's key.</param>
    /// <param name="version">Its version (1, 2, ...).</param>
    /// <returns>The record as a source would read it.</returns>
    protected abstract SourceRecord<T> CreateRecord(string key, int version);

    /// <summary>Reads the version the destination holds for <paramref name="key"/>, or <see langword="null"/> when it holds none.</summary>
    /// <param name="destination">The destination.</param>
    /// <param name="key">The record's key.</param>
    /// <returns>The held version.</returns>
    protected abstract ValueTask<int?> ReadVersionAsync(IDestination<T> destination, string key);

    /// <summary>
    /// Creates a record the destination must reject on its own: a malformed e-mail address, say, or a value its
    /// store cannot hold. Every destination meets input it cannot take; this is how the kit checks that such a
    /// record fails alone instead of failing its batch.
    /// </summary>
    /// <param name="key">The record's key.</param>
    /// <returns>The invalid record.</returns>
    protected abstract SourceRecord<T> CreateInvalidRecord(string key);

    /// <summary>Every record gets one outcome, in batch order.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task WriteAsync_Batch_ReturnsOneOutcomePerRecordAndWritesThem()
    {
        var destination = await CreateDestinationAsync().ConfigureAwait(false);

        var outcomes = await WriteAsync(destination, [.. Enumerable.Range(1, 5).Select(i => CreateRecord($"k{i}", 1))]).ConfigureAwait(false);

        Assert.Equal(5, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(RecordOutcomeKind.Written, o.Kind));
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(1, await ReadVersionAsync(destination, $"k{i}").ConfigureAwait(false));
        }
    }

    /// <summary>Writing the same batch twice leaves one copy of each record and fails nothing (pattern A).</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task WriteAsync_SameBatchTwice_IsIdempotent()
    {
        var destination = await CreateDestinationAsync().ConfigureAwait(false);
        SourceRecord<T>[] batch = [CreateRecord("a", 2), CreateRecord("b", 1)];

        await WriteAsync(destination, batch).ConfigureAwait(false);
        var again = await WriteAsync(destination, batch).ConfigureAwait(false);

        Assert.All(again, o => Assert.NotEqual(RecordOutcomeKind.Failed, o.Kind));
        Assert.Equal(2, await ReadVersionAsync(destination, "a").ConfigureAwait(false));
        Assert.Equal(1, await ReadVersionAsync(destination, "b").ConfigureAwait(false));
    }

    /// <summary>An older version arriving after a newer one is skipped and the newer one kept (pattern C).</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task WriteAsync_OlderVersionAfterNewer_IsSkippedAndTheNewerKept()
    {
        var destination = await CreateDestinationAsync().ConfigureAwait(false);
        await WriteAsync(destination, [CreateRecord("a", 3)]).ConfigureAwait(false);

        var outcomes = await WriteAsync(destination, [CreateRecord("a", 2)]).ConfigureAwait(false);

        Assert.Equal(RecordOutcomeKind.Skipped, Assert.Single(outcomes).Kind);
        Assert.Equal(3, await ReadVersionAsync(destination, "a").ConfigureAwait(false));
    }

    /// <summary>A record the destination rejects fails alone, with a class that is not retried; the others are written.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task WriteAsync_InvalidRecord_FailsAloneWithANonRetryableClass()
    {
        var invalid = CreateInvalidRecord("bad");
        Assert.True(invalid.Key == "bad", $"{nameof(CreateInvalidRecord)} must return a record with the key it is given.");
        var destination = await CreateDestinationAsync().ConfigureAwait(false);

        var outcomes = await WriteAsync(destination, [CreateRecord("a", 1), invalid, CreateRecord("b", 1)]).ConfigureAwait(false);

        Assert.True(
            outcomes[1].Kind == RecordOutcomeKind.Failed,
            $"The record from {nameof(CreateInvalidRecord)} must fail; it was {outcomes[1].Kind}. Return a record this destination rejects.");
        Assert.False(outcomes[1].ErrorClass.IsRetryable(), $"A rejected record must not be retried; it was classed {outcomes[1].ErrorClass}.");
        Assert.False(string.IsNullOrWhiteSpace(outcomes[1].Error), "A failure must say what is wrong.");
        Assert.Equal(RecordOutcomeKind.Written, outcomes[0].Kind);
        Assert.Equal(RecordOutcomeKind.Written, outcomes[2].Kind);
        Assert.Equal(1, await ReadVersionAsync(destination, "a").ConfigureAwait(false));
        Assert.Null(await ReadVersionAsync(destination, "bad").ConfigureAwait(false));
        Assert.Equal(1, await ReadVersionAsync(destination, "b").ConfigureAwait(false));
    }

    /// <summary>
    /// A destination that can overwrite replaces a newer version with an older one when told to (a force repair);
    /// one that cannot leaves this test vacuous.
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task OverwriteAsync_OlderVersionAfterNewer_ReplacesTheNewer()
    {
        var destination = await CreateDestinationAsync().ConfigureAwait(false);
        if (destination is not IOverwritableDestination<T> overwritable)
        {
            return;
        }

        await WriteAsync(destination, [CreateRecord("a", 3)]).ConfigureAwait(false);

        var outcomes = await overwritable.OverwriteAsync(Batch([CreateRecord("a", 2)]), CancellationToken.None).ConfigureAwait(false);

        Assert.Equal(RecordOutcomeKind.Written, Assert.Single(outcomes).Kind);
        Assert.Equal(2, await ReadVersionAsync(destination, "a").ConfigureAwait(false));
    }

    /// <summary>Writes one batch the way the engine does (no state transaction).</summary>
    /// <param name="destination">The destination.</param>
    /// <param name="records">The records.</param>
    /// <returns>The outcomes.</returns>
    protected static async Task<IReadOnlyList<RecordOutcome>> WriteAsync(IDestination<T> destination, SourceRecord<T>[] records)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var outcomes = await destination.WriteAsync(Batch(records), CancellationToken.None).ConfigureAwait(false);
        Assert.Equal(records.Length, outcomes.Count);
        return outcomes;
    }

    private static DestinationBatch<T> Batch(SourceRecord<T>[] records) =>
        new(Job, "conformance-run", records, null, new InMemorySyncStateStore().Dedup);
}
