using SyncKit.Testing.Conformance.Internal;

namespace SyncKit.Testing;

/// <summary>
/// The conformance kit for <see cref="IDestination{T}"/> implementations: writes are idempotent (upsert by
/// key), stale versions are skipped, one outcome is reported per record, and a bad record fails alone; a
/// destination that implements <see cref="IOverwritableDestination{T}"/> also replaces a newer version when told to.
/// A connector's test project derives from this class, supplies the factory methods, and runs each of
/// <see cref="CaseNames"/> with <see cref="RunCaseAsync"/> as one test of its framework.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
/// <remarks>
/// The kit uses no test framework: a failed case throws a <see cref="ConformanceException"/> naming the case, what it
/// checked, and what it expected against what it found. <c>SyncKit.Testing.Xunit</c> runs the cases as an xunit theory.
/// </remarks>
public abstract class DestinationConformanceKit<T>
{
    /// <summary>The job the kit writes for.</summary>
    protected static readonly JobId Job = new("conformance", "destination");

    private static readonly ConformanceCases<DestinationConformanceKit<T>> CaseTable = new(
        "Destination conformance",
        [
            Case(nameof(WriteAsync_Batch_ReturnsOneOutcomePerRecordAndWritesThem), k => k.WriteAsync_Batch_ReturnsOneOutcomePerRecordAndWritesThem()),
            Case(nameof(WriteAsync_SameBatchTwice_IsIdempotent), k => k.WriteAsync_SameBatchTwice_IsIdempotent()),
            Case(nameof(WriteAsync_OlderVersionAfterNewer_IsSkippedAndTheNewerKept), k => k.WriteAsync_OlderVersionAfterNewer_IsSkippedAndTheNewerKept()),
            Case(nameof(WriteAsync_InvalidRecord_FailsAloneWithANonRetryableClass), k => k.WriteAsync_InvalidRecord_FailsAloneWithANonRetryableClass()),
            Case(nameof(OverwriteAsync_OlderVersionAfterNewer_ReplacesTheNewer), k => k.OverwriteAsync_OlderVersionAfterNewer_ReplacesTheNewer()),
        ]);

    private readonly OneCaseAtATime _gate = new();

    /// <summary>The names of the kit's cases, in order: the data a test framework's data-driven test runs one by one.</summary>
    /// <value>Names such as <c>WriteAsync_SameBatchTwice_IsIdempotent</c>.</value>
    public static IReadOnlyList<string> CaseNames => CaseTable.Names;

    /// <summary>
    /// Whether the destination implements <see cref="IOverwritableDestination{T}"/>, so that an operator's force repair
    /// can reach it. The case <c>OverwriteAsync_OlderVersionAfterNewer_ReplacesTheNewer</c> checks the destination against
    /// it, so it never passes without checking: it overwrites when <see langword="true"/>, and does not implement the
    /// interface when <see langword="false"/>.
    /// </summary>
    /// <value>Default <see langword="true"/>; a destination that cannot write regardless of version overrides it.</value>
    protected virtual bool CanOverwrite => true;

    /// <summary>The cancellation token the running case was given; the case passes it to every destination call.</summary>
    protected CancellationToken Cancellation { get; private set; }

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

    /// <summary>Runs one case: it creates the destination it writes to with <see cref="CreateDestinationAsync"/>.</summary>
    /// <param name="name">One of <see cref="CaseNames"/>.</param>
    /// <param name="cancellationToken">Cancels the case: passed to every destination call it makes.</param>
    /// <returns>A task that completes when the case passed.</returns>
    /// <exception cref="ArgumentException">The kit has no case of that name.</exception>
    /// <exception cref="ConformanceException">The destination failed the case, or threw; the message says what and why.</exception>
    /// <exception cref="InvalidOperationException">Another case is running on this instance.</exception>
    public async Task RunCaseAsync(string name, CancellationToken cancellationToken = default)
    {
        var run = CaseTable.Find(name);
        _gate.Enter(CaseTable.Kit);
        try
        {
            Cancellation = cancellationToken;
            await run(this).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            CaseTable.Throw(name, e, cancellationToken);
        }
        finally
        {
            Cancellation = default;
            _gate.Exit();
        }
    }

    /// <summary>Every record gets one outcome, in batch order.</summary>
    /// <returns>The case.</returns>
    private async Task WriteAsync_Batch_ReturnsOneOutcomePerRecordAndWritesThem()
    {
        var destination = await CreateDestinationAsync().ConfigureAwait(false);

        var outcomes = await WriteAsync(destination, [.. Enumerable.Range(1, 5).Select(i => CreateRecord($"k{i}", 1))]).ConfigureAwait(false);

        Check.All(outcomes, o => Check.Equal(RecordOutcomeKind.Written, o.Kind, "the outcome's kind"), "the outcomes of a batch of five new records");
        for (var i = 1; i <= 5; i++)
        {
            Check.Equal(1, await ReadVersionAsync(destination, $"k{i}").ConfigureAwait(false), $"the version held for k{i}");
        }
    }

    /// <summary>Writing the same batch twice leaves one copy of each record and fails nothing (pattern A).</summary>
    /// <returns>The case.</returns>
    private async Task WriteAsync_SameBatchTwice_IsIdempotent()
    {
        var destination = await CreateDestinationAsync().ConfigureAwait(false);
        SourceRecord<T>[] batch = [CreateRecord("a", 2), CreateRecord("b", 1)];

        await WriteAsync(destination, batch).ConfigureAwait(false);
        var again = await WriteAsync(destination, batch).ConfigureAwait(false);

        Check.All(again, o => Check.NotEqual(RecordOutcomeKind.Failed, o.Kind, "the outcome's kind"), "the outcomes of the same batch written again");
        Check.Equal(2, await ReadVersionAsync(destination, "a").ConfigureAwait(false), "the version held for a");
        Check.Equal(1, await ReadVersionAsync(destination, "b").ConfigureAwait(false), "the version held for b");
    }

    /// <summary>An older version arriving after a newer one is skipped and the newer one kept (pattern C).</summary>
    /// <returns>The case.</returns>
    private async Task WriteAsync_OlderVersionAfterNewer_IsSkippedAndTheNewerKept()
    {
        var destination = await CreateDestinationAsync().ConfigureAwait(false);
        await WriteAsync(destination, [CreateRecord("a", 3)]).ConfigureAwait(false);

        var outcomes = await WriteAsync(destination, [CreateRecord("a", 2)]).ConfigureAwait(false);

        Check.Equal(RecordOutcomeKind.Skipped, outcomes[0].Kind, "the outcome of version 2 written after version 3");
        Check.Equal(3, await ReadVersionAsync(destination, "a").ConfigureAwait(false), "the version held for a");
    }

    /// <summary>A record the destination rejects fails alone, with a class that is not retried; the others are written.</summary>
    /// <returns>The case.</returns>
    private async Task WriteAsync_InvalidRecord_FailsAloneWithANonRetryableClass()
    {
        var invalid = CreateInvalidRecord("bad");
        Check.True(invalid.Key == "bad", $"{nameof(CreateInvalidRecord)} must return a record with the key it is given.");
        var destination = await CreateDestinationAsync().ConfigureAwait(false);

        var outcomes = await WriteAsync(destination, [CreateRecord("a", 1), invalid, CreateRecord("b", 1)]).ConfigureAwait(false);

        Check.True(
            outcomes[1].Kind == RecordOutcomeKind.Failed,
            $"The record from {nameof(CreateInvalidRecord)} must fail; it was {outcomes[1].Kind}. Return a record this destination rejects.");
        Check.False(outcomes[1].ErrorClass.IsRetryable(), $"A rejected record must not be retried; it was classed {outcomes[1].ErrorClass}.");
        Check.False(string.IsNullOrWhiteSpace(outcomes[1].Error), "A failure must say what is wrong.");
        Check.Equal(RecordOutcomeKind.Written, outcomes[0].Kind, "the outcome of the valid record before the invalid one");
        Check.Equal(RecordOutcomeKind.Written, outcomes[2].Kind, "the outcome of the valid record after the invalid one");
        Check.Equal(1, await ReadVersionAsync(destination, "a").ConfigureAwait(false), "the version held for a");
        Check.Null(await ReadVersionAsync(destination, "bad").ConfigureAwait(false), "the version held for the rejected record");
        Check.Equal(1, await ReadVersionAsync(destination, "b").ConfigureAwait(false), "the version held for b");
    }

    /// <summary>
    /// A destination that can overwrite replaces a newer version with an older one when told to (a force repair). One
    /// that declares it cannot (<see cref="CanOverwrite"/>) must not claim to: the case never passes without checking.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task OverwriteAsync_OlderVersionAfterNewer_ReplacesTheNewer()
    {
        var destination = await CreateDestinationAsync().ConfigureAwait(false);
        if (!CanOverwrite)
        {
            Check.False(
                destination is IOverwritableDestination<T>,
                $"{nameof(CanOverwrite)} is false, yet {CanOverwriteDeclaration(destination)} implements {nameof(IOverwritableDestination<T>)}<T>: remove the override of {nameof(CanOverwrite)} so that this case checks its overwrite.");
            return;
        }

        var overwritable = destination as IOverwritableDestination<T> ?? throw new ConformanceException(
            $"{CanOverwriteDeclaration(destination)} does not implement {nameof(IOverwritableDestination<T>)}<T>, so an operator's force repair cannot reach it. " +
            $"Implement it, or override {nameof(CanOverwrite)} to return false to state that this destination cannot overwrite (force repairs of its jobs then fail before reading anything).");
        await WriteAsync(destination, [CreateRecord("a", 3)]).ConfigureAwait(false);

        var outcomes = await overwritable.OverwriteAsync(Batch([CreateRecord("a", 2)]), Cancellation).ConfigureAwait(false);

        Check.Equal(RecordOutcomeKind.Written, Check.Single(outcomes, "the outcomes of overwriting one record").Kind, "the outcome of overwriting version 3 with version 2");
        Check.Equal(2, await ReadVersionAsync(destination, "a").ConfigureAwait(false), "the version held for a after the overwrite");
    }

    /// <summary>Writes one batch the way the engine does (no state transaction).</summary>
    /// <param name="destination">The destination.</param>
    /// <param name="records">The records.</param>
    /// <returns>The outcomes.</returns>
    /// <exception cref="ConformanceException">The destination answered more or fewer outcomes than records.</exception>
    protected async Task<IReadOnlyList<RecordOutcome>> WriteAsync(IDestination<T> destination, SourceRecord<T>[] records)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(records);
        var outcomes = await destination.WriteAsync(Batch(records), Cancellation).ConfigureAwait(false);
        Check.Equal(records.Length, outcomes.Count, $"the number of outcomes for a batch of {records.Length} records");
        return outcomes;
    }

    private static string CanOverwriteDeclaration(IDestination<T> destination) =>
        $"{nameof(CreateDestinationAsync)} returned {destination.GetType().Name}, which";

    private static (string Name, Func<DestinationConformanceKit<T>, Task> Run) Case(string name, Func<DestinationConformanceKit<T>, Task> run) => (name, run);

    private static DestinationBatch<T> Batch(SourceRecord<T>[] records) =>
        new(Job, "conformance-run", records, null, new InMemorySyncStateStore().Dedup);
}
