using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing.Conformance.Internal;

namespace SyncKit.Testing;

/// <summary>
/// The conformance kit every <see cref="ISyncStateStore"/> must pass: checkpoints, dedup, dead letters, run history,
/// health inputs and transactions behave the way the engine relies on. A store's test project derives from this class,
/// supplies <see cref="CreateStoreAsync"/>, and runs each of <see cref="CaseNames"/> with <see cref="RunCaseAsync"/>
/// as one test of its framework; each case gets a fresh, empty store and its own fake clock.
/// </summary>
/// <remarks>
/// <para>
/// Every case states a behaviour the engine's guarantees depend on, so a store that fails one would lose, repeat or
/// half-write data somewhere. The <see cref="InMemorySyncStateStore"/> is the reference and passes them all.
/// </para>
/// <para>
/// The kit uses no test framework: a failed case throws a <see cref="ConformanceException"/> naming the case, what it
/// checked, and what it expected against what it found. <c>SyncKit.Testing.Xunit</c> runs the cases as an xunit
/// theory; with another framework, feed <see cref="CaseNames"/> to its data-driven tests (NUnit's
/// <c>[TestCaseSource]</c>, MSTest's <c>[DynamicData]</c>, xunit v3's <c>[MemberData]</c>).
/// </para>
/// </remarks>
public abstract partial class StateStoreConformanceKit
{
    /// <summary>The instant the fake clock starts at.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The job most cases write to.</summary>
    protected static readonly JobId JobA = new("tenant-a", "invoices");

    /// <summary>Another stream of the same tenant.</summary>
    protected static readonly JobId JobB = new("tenant-a", "customers");

    /// <summary>The same stream for another tenant.</summary>
    protected static readonly JobId JobC = new("tenant-b", "invoices");

    // Before CaseTable, which lists a checkpoint case per shape: static fields of a partial class initialize in an order
    // fixed only within one file.
    private static readonly Dictionary<string, Cursor> CursorShapes = new(StringComparer.Ordinal)
    {
        ["utc"] = Cursor.At(T0, "1"),
        ["positive-offset-with-ticks"] = Cursor.At(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromMinutes(330)).AddTicks(1_234_567), "a"),
        ["negative-offset"] = Cursor.At(new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.FromHours(-8)), "b"),
        ["extremes"] = Cursor.At(DateTimeOffset.MaxValue, "z"),
        ["no-timestamp"] = Cursor.FromSequence(long.MaxValue),
        ["progress"] = new Cursor(T0, "window", "offset=200;page=3"),
        ["no-timestamp-with-progress"] = new Cursor(null, "token-abc", "{\"page\":2}"),
        ["leading-zeros"] = Cursor.At(T0, "007"),
        ["longer-than-long"] = Cursor.At(T0, "18446744073709551616000"),
        ["number-like"] = Cursor.At(T0, "1e5"),
        ["decimal-like"] = Cursor.At(T0, "1.50"),
        ["empty-id"] = Cursor.At(T0, string.Empty),
        ["unicode-and-quotes"] = Cursor.At(T0, "ünï'\"; DROP TABLE x;--"),
    };

    private static readonly ConformanceCases<StateStoreConformanceKit> CaseTable = new(
        "State store conformance",
        CheckpointCases(),
        DedupCases(),
        DeadLetterCases(),
        RunCases(),
        HealthInputCases(),
        RetentionCases(),
        TransactionCases());

    private readonly OneCaseAtATime _gate = new();
    private ISyncStateStore? _store;
    private FakeTimeProvider? _time;

    /// <summary>The names of the kit's cases, in order: the data a test framework's data-driven test runs one by one.</summary>
    /// <value>Names such as <c>Checkpoints_GetAsync_NeverSaved_ReturnsNull</c>; a case with parameters shows them in parentheses.</value>
    public static IReadOnlyList<string> CaseNames => CaseTable.Names;

    /// <summary>The clock of the case that runs: dedup holds expire only when the case advances it.</summary>
    /// <exception cref="InvalidOperationException">No case is running.</exception>
    protected FakeTimeProvider Time => _time ?? throw NoCaseRunning();

    /// <summary>The store under test, created fresh for the case that runs.</summary>
    /// <exception cref="InvalidOperationException">No case is running.</exception>
    protected ISyncStateStore Store => _store ?? throw NoCaseRunning();

    /// <summary>The cancellation token the running case was given; the case passes it to every store call.</summary>
    protected CancellationToken Cancellation { get; private set; }

    /// <summary>
    /// Whether the store is a database whose transactions hand destinations an open <see cref="IStateTransaction.DbTransaction"/>.
    /// The case <c>Transaction_DbTransaction_WhenPresent_HasAnOpenConnection</c> checks the transaction against it, so it
    /// never passes without checking: an open connection when <see langword="true"/>, none when <see langword="false"/>.
    /// </summary>
    /// <value>Default <see langword="false"/>, as for <see cref="InMemorySyncStateStore"/>; a database store overrides it.</value>
    protected virtual bool HasDbTransaction => false;

    /// <summary>Runs one case on a fresh store: creates it, runs the case, and disposes it.</summary>
    /// <param name="name">One of <see cref="CaseNames"/>.</param>
    /// <param name="cancellationToken">Cancels the case: passed to every store call it makes.</param>
    /// <returns>A task that completes when the case passed.</returns>
    /// <exception cref="ArgumentException">The kit has no case of that name.</exception>
    /// <exception cref="ConformanceException">The store failed the case, or threw; the message says what and why.</exception>
    /// <exception cref="InvalidOperationException">Another case is running on this instance.</exception>
    public async Task RunCaseAsync(string name, CancellationToken cancellationToken = default)
    {
        var run = CaseTable.Find(name);
        _gate.Enter(CaseTable.Kit);
        try
        {
            _time = new FakeTimeProvider(T0);
            Cancellation = cancellationToken;
            ISyncStateStore? store = null;
            try
            {
                store = await CreateStoreAsync(_time).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                CaseTable.Throw(name, new ConformanceException($"{nameof(CreateStoreAsync)} threw {e.GetType().Name}: {e.Message}", e), cancellationToken);
            }

            if (store is null)
            {
                CaseTable.Throw(name, new ConformanceException($"{nameof(CreateStoreAsync)} returned null instead of a store."), cancellationToken);
            }

            _store = store;
            Exception? failure = null;
            try
            {
                await run(this).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure = e;
            }

            _store = null;
            try
            {
                await DisposeStoreAsync(store).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // A case that failed keeps its own failure: the store it broke may fail to dispose too.
                failure ??= new ConformanceException($"{nameof(DisposeStoreAsync)} threw {e.GetType().Name}: {e.Message}", e);
            }

            if (failure is not null)
            {
                CaseTable.Throw(name, failure, cancellationToken);
            }
        }
        finally
        {
            (_store, _time, Cancellation) = (null, null, default);
            _gate.Exit();
        }
    }

    /// <summary>Creates an empty store that reads the time from <paramref name="timeProvider"/>; called once per case.</summary>
    /// <param name="timeProvider">The clock the store must use for dedup holds and purges.</param>
    /// <returns>The store; <see cref="DisposeStoreAsync"/> disposes it after the case.</returns>
    protected abstract ValueTask<ISyncStateStore> CreateStoreAsync(FakeTimeProvider timeProvider);

    /// <summary>Disposes a store after its case; override it to drop what <see cref="CreateStoreAsync"/> made for it too.</summary>
    /// <param name="store">The store the case ran on.</param>
    /// <returns>A task that completes when the store is disposed.</returns>
    /// <remarks>The default disposes the store when it is <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>.</remarks>
    protected virtual async ValueTask DisposeStoreAsync(ISyncStateStore store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <summary>Looks up a cursor shape the checkpoint cases round-trip by its name.</summary>
    /// <param name="name">A shape's name, as in <c>Checkpoints_SaveAsync_CursorShape_RoundTripsExactly(utc)</c>.</param>
    /// <returns>The cursor.</returns>
    protected static Cursor CursorCase(string name) => CursorShapes[name];

    /// <summary>Checks two cursors are identical, the timestamp's offset and every character of id and progress included.</summary>
    /// <param name="expected">The cursor written.</param>
    /// <param name="actual">The cursor read back.</param>
    /// <exception cref="ConformanceException">They differ.</exception>
    protected static void AssertSameCursor(Cursor? expected, Cursor? actual)
    {
        if (expected is null)
        {
            Check.Null(actual, "the cursor read back");
            return;
        }

        Check.NotNull(actual, $"the cursor read back (expected {expected})");
        Check.Equal(expected.Timestamp, actual.Timestamp, $"the timestamp of the cursor read back ({actual})");
        Check.Equal(expected.Timestamp?.Offset, actual.Timestamp?.Offset, $"the timestamp's offset of the cursor read back ({actual})");
        Check.Equal(expected.Id, actual.Id, $"the id of the cursor read back ({actual})");
        Check.Equal(expected.Progress, actual.Progress, $"the progress of the cursor read back ({actual})");
    }

    /// <summary>A cursor at <paramref name="seconds"/> after <see cref="T0"/> with the same number as id.</summary>
    /// <param name="seconds">Seconds after <see cref="T0"/>.</param>
    /// <returns>The cursor.</returns>
    protected static Cursor At(int seconds) => Cursor.At(T0.AddSeconds(seconds), seconds.ToString(CultureInfo.InvariantCulture));

    /// <summary>Begins a transaction, runs <paramref name="write"/> in it and commits.</summary>
    /// <param name="job">The job the transaction is for.</param>
    /// <param name="write">The writes.</param>
    /// <returns>A task that completes after the commit.</returns>
    protected async Task CommitAsync(JobId job, Func<IStateTransaction, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var transaction = await Store.BeginTransactionAsync(job, Cancellation).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await write(transaction).ConfigureAwait(false);
            await transaction.CommitAsync(Cancellation).ConfigureAwait(false);
        }
    }

    private static (string Name, Func<StateStoreConformanceKit, Task> Run) Case(string name, Func<StateStoreConformanceKit, Task> run) => (name, run);

    private static InvalidOperationException NoCaseRunning() =>
        new("The store and its clock exist only while a case runs: call RunCaseAsync.");
}
