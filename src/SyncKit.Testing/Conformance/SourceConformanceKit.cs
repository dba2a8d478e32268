using SyncKit.Testing.Conformance.Internal;

namespace SyncKit.Testing;

/// <summary>
/// The conformance kit for <see cref="ISource{T}"/> implementations: what the engine relies on from every source. A
/// connector's test project derives from this class, supplies <see cref="CreateSourceAsync"/> and
/// <see cref="CreateSourceWithTieAsync"/>, and runs each of <see cref="CaseNames"/> with <see cref="RunCaseAsync"/> as
/// one test of its framework.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
/// <remarks>
/// The kit uses no test framework: a failed case throws a <see cref="ConformanceException"/> naming the case, what it
/// checked, and what it expected against what it found. <c>SyncKit.Testing.Xunit</c> runs the cases as an xunit theory.
/// </remarks>
public abstract class SourceConformanceKit<T>
{
    /// <summary>The job the kit reads for.</summary>
    protected static readonly JobId Job = new("conformance", "source");

    private static readonly ConformanceCases<SourceConformanceKit<T>> CaseTable = new(
        "Source conformance",
        [
            Case(nameof(ReadPageAsync_FromTheStart_ReturnsEveryRecordOnceInAscendingOrder), k => k.ReadPageAsync_FromTheStart_ReturnsEveryRecordOnceInAscendingOrder()),
            Case(nameof(ReadPageAsync_TiesOnTimestamp_CrossAPageBoundaryWithoutLossOrRepeat), k => k.ReadPageAsync_TiesOnTimestamp_CrossAPageBoundaryWithoutLossOrRepeat()),
            Case(nameof(ReadPageAsync_ResumedAfterAnyRecord_ReturnsExactlyTheRecordsAfterIt), k => k.ReadPageAsync_ResumedAfterAnyRecord_ReturnsExactlyTheRecordsAfterIt()),
            Case(nameof(ReadPageAsync_Repeated_ReturnsTheSameRecords), k => k.ReadPageAsync_Repeated_ReturnsTheSameRecords()),
            Case(nameof(ReadPageAsync_EmptySource_ReturnsAnEmptyFinalPage), k => k.ReadPageAsync_EmptySource_ReturnsAnEmptyFinalPage()),
        ]);

    private readonly OneCaseAtATime _gate = new();

    /// <summary>The names of the kit's cases, in order: the data a test framework's data-driven test runs one by one.</summary>
    /// <value>Names such as <c>ReadPageAsync_Repeated_ReturnsTheSameRecords</c>.</value>
    public static IReadOnlyList<string> CaseNames => CaseTable.Names;

    /// <summary>The cancellation token the running case was given; the case passes it to every source call.</summary>
    protected CancellationToken Cancellation { get; private set; }

    /// <summary>The page size the kit asks for.</summary>
    /// <value>Default 10.</value>
    protected virtual int PageSize => 10;

    /// <summary>Creates a source holding <paramref name="recordCount"/> records with distinct keys.</summary>
    /// <param name="recordCount">How many records (0 for an empty source).</param>
    /// <returns>The source.</returns>
    protected abstract ValueTask<ISource<T>> CreateSourceAsync(int recordCount);

    /// <summary>
    /// Creates a source holding, with distinct keys, <paramref name="before"/> records changed one after another,
    /// then <paramref name="tied"/> records all changed at one later instant (one timestamp), then
    /// <paramref name="after"/> records changed one after another later still. The kit reads across the tie with
    /// page boundaries inside it, where a source that resumes by timestamp alone loses or repeats records.
    /// </summary>
    /// <param name="before">How many records change before the tie.</param>
    /// <param name="tied">How many records share the tie's timestamp.</param>
    /// <param name="after">How many records change after the tie.</param>
    /// <returns>The source.</returns>
    protected abstract ValueTask<ISource<T>> CreateSourceWithTieAsync(int before, int tied, int after);

    /// <summary>Runs one case: it creates the sources it reads with the kit's factory methods.</summary>
    /// <param name="name">One of <see cref="CaseNames"/>.</param>
    /// <param name="cancellationToken">Cancels the case: passed to every source call it makes.</param>
    /// <returns>A task that completes when the case passed.</returns>
    /// <exception cref="ArgumentException">The kit has no case of that name.</exception>
    /// <exception cref="ConformanceException">The source failed the case, or threw; the message says what and why.</exception>
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

    /// <summary>Reading from the start returns every record once, in ascending position order.</summary>
    /// <returns>The case.</returns>
    private async Task ReadPageAsync_FromTheStart_ReturnsEveryRecordOnceInAscendingOrder()
    {
        var source = await CreateSourceAsync(5 * PageSize).ConfigureAwait(false);

        var records = await ReadAllAsync(source, after: null).ConfigureAwait(false);

        AssertEveryRecordOnceInAscendingOrder(records, 5 * PageSize);
    }

    /// <summary>
    /// Records sharing one timestamp across page boundaries are read once each, in id order, and resuming after
    /// any of them (or any record around them) returns exactly the records after it.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task ReadPageAsync_TiesOnTimestamp_CrossAPageBoundaryWithoutLossOrRepeat()
    {
        // The tie starts inside the first page and ends inside the third, so two page boundaries fall within it.
        var (before, tied, after) = (PageSize / 2, (2 * PageSize) + 1, PageSize / 2);
        var source = await CreateSourceWithTieAsync(before, tied, after).ConfigureAwait(false);

        var records = await ReadAllAsync(source, after: null).ConfigureAwait(false);

        AssertEveryRecordOnceInAscendingOrder(records, before + tied + after);
        var largestTie = records.GroupBy(r => r.Position.Timestamp).Max(g => g.Count());
        Check.True(
            largestTie >= tied,
            $"{nameof(CreateSourceWithTieAsync)} must give {tied} records one timestamp; the most sharing one are {largestTie}.");
        for (var i = 0; i < records.Count; i++)
        {
            var rest = await ReadAllAsync(source, records[i].Position).ConfigureAwait(false);
            Check.Equal(records.Skip(i + 1).Select(r => r.Key), rest.Select(r => r.Key), $"the keys read after {records[i].Position} (key {records[i].Key})");
        }
    }

    /// <summary>Resuming after any record returns exactly the records after it: a checkpoint loses nothing and repeats nothing.</summary>
    /// <returns>The case.</returns>
    private async Task ReadPageAsync_ResumedAfterAnyRecord_ReturnsExactlyTheRecordsAfterIt()
    {
        var source = await CreateSourceAsync(3 * PageSize).ConfigureAwait(false);
        var all = await ReadAllAsync(source, after: null).ConfigureAwait(false);

        for (var i = 0; i < all.Count; i += 3)
        {
            var rest = await ReadAllAsync(source, all[i].Position).ConfigureAwait(false);
            Check.Equal(all.Skip(i + 1).Select(r => r.Key), rest.Select(r => r.Key), $"the keys read after {all[i].Position} (key {all[i].Key})");
        }
    }

    /// <summary>Reading has no side effects: the same read twice returns the same records.</summary>
    /// <returns>The case.</returns>
    private async Task ReadPageAsync_Repeated_ReturnsTheSameRecords()
    {
        var source = await CreateSourceAsync(2 * PageSize).ConfigureAwait(false);

        var first = await ReadAllAsync(source, after: null).ConfigureAwait(false);
        var second = await ReadAllAsync(source, after: null).ConfigureAwait(false);

        Check.Equal(first.Select(r => (r.Key, r.Position)), second.Select(r => (r.Key, r.Position)), "the keys and positions of a second read from the start");
    }

    /// <summary>An empty source answers one empty, final page.</summary>
    /// <returns>The case.</returns>
    private async Task ReadPageAsync_EmptySource_ReturnsAnEmptyFinalPage()
    {
        var source = await CreateSourceAsync(0).ConfigureAwait(false);

        var page = await source.ReadPageAsync(null, new SourceReadContext(Job, PageSize), Cancellation).ConfigureAwait(false);

        Check.Empty(page.Records, "the records of an empty source's page");
        Check.False(page.HasMore, "An empty source's page must say no more follow (HasMore = false).");
    }

    /// <summary>Reads every page after <paramref name="after"/> the way the engine does.</summary>
    /// <param name="source">The source.</param>
    /// <param name="after">Where to start.</param>
    /// <returns>The records in read order.</returns>
    protected async Task<List<SourceRecord<T>>> ReadAllAsync(ISource<T> source, Cursor? after)
    {
        ArgumentNullException.ThrowIfNull(source);
        var records = new List<SourceRecord<T>>();
        for (var pages = 0; ; pages++)
        {
            Check.True(pages < 10_000, "The source never said HasMore = false.");
            var page = await source.ReadPageAsync(after, new SourceReadContext(Job, PageSize), Cancellation).ConfigureAwait(false);
            records.AddRange(page.Records);
            if (!page.HasMore)
            {
                return records;
            }

            Check.True(page.Records.Count > 0 || page.Next is not null, "A page that says more follow must have records or a Next cursor.");
            after = page.Next ?? page.Records[^1].Position;
        }
    }

    private static (string Name, Func<SourceConformanceKit<T>, Task> Run) Case(string name, Func<SourceConformanceKit<T>, Task> run) => (name, run);

    private static void AssertEveryRecordOnceInAscendingOrder(List<SourceRecord<T>> records, int count)
    {
        Check.Equal(count, records.Count, "the number of records read");
        Check.Equal(records.Count, records.Select(r => r.Key).Distinct(StringComparer.Ordinal).Count(), "the number of distinct keys among the records read");
        for (var i = 1; i < records.Count; i++)
        {
            Check.True(records[i].Position.CompareTo(records[i - 1].Position) > 0, $"Position {records[i].Position} (key {records[i].Key}) must be after {records[i - 1].Position}.");
        }
    }
}
