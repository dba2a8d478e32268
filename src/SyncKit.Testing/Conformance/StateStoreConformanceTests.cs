using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace SyncKit.Testing;

/// <summary>
/// The conformance kit every <see cref="ISyncStateStore"/> must pass: checkpoints, dedup, dead letters,
/// run history and transactions behave the way the engine relies on. A store's test project inherits this
/// class and supplies <see cref="CreateStoreAsync"/>; each test gets a fresh, empty store.
/// </summary>
/// <remarks>
/// Every test states a behaviour the engine's guarantees depend on, so a store that fails one would lose,
/// repeat or half-write data somewhere. The <see cref="InMemorySyncStateStore"/> is the reference and passes
/// them all.
/// </remarks>
public abstract partial class StateStoreConformanceTests : IAsyncLifetime
{
    /// <summary>The instant the fake clock starts at.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The job most tests write to.</summary>
    protected static readonly JobId JobA = new("tenant-a", "invoices");

    /// <summary>Another stream of the same tenant.</summary>
    protected static readonly JobId JobB = new("tenant-a", "customers");

    /// <summary>The same stream for another tenant.</summary>
    protected static readonly JobId JobC = new("tenant-b", "invoices");

    private ISyncStateStore? _store;

    /// <summary>The store's clock: dedup holds expire only when a test advances it.</summary>
    protected FakeTimeProvider Time { get; } = new(T0);

    /// <summary>The store under test, created fresh for each test.</summary>
    protected ISyncStateStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>Creates an empty store that reads the time from <paramref name="timeProvider"/>.</summary>
    /// <param name="timeProvider">The clock the store must use for dedup holds and purges.</param>
    /// <returns>The store; it is disposed after the test when it is <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>.</returns>
    protected abstract ValueTask<ISyncStateStore> CreateStoreAsync(FakeTimeProvider timeProvider);

    /// <summary>Creates the store for the test.</summary>
    /// <returns>A task that completes when the store is ready.</returns>
    public virtual async Task InitializeAsync() => _store = await CreateStoreAsync(Time).ConfigureAwait(false);

    /// <summary>Disposes the store.</summary>
    /// <returns>A task that completes when the store is disposed.</returns>
    public virtual async Task DisposeAsync()
    {
        switch (_store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <summary>Cursor shapes a store must keep exactly as given.</summary>
    /// <returns>The case names of <see cref="CursorCase"/>.</returns>
    public static TheoryData<string> CursorCases() => new(CursorShapes.Keys);

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

    /// <summary>Looks up a cursor shape by its case name.</summary>
    /// <param name="name">A name from <see cref="CursorCases"/>.</param>
    /// <returns>The cursor.</returns>
    protected static Cursor CursorCase(string name) => CursorShapes[name];

    /// <summary>Asserts two cursors are identical, the timestamp's offset and every character of id and progress included.</summary>
    /// <param name="expected">The cursor written.</param>
    /// <param name="actual">The cursor read back.</param>
    protected static void AssertSameCursor(Cursor? expected, Cursor? actual)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }

        Assert.NotNull(actual);
        Assert.Equal(expected.Timestamp, actual.Timestamp);
        Assert.Equal(expected.Timestamp?.Offset, actual.Timestamp?.Offset);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Progress, actual.Progress);
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
        var transaction = await Store.BeginTransactionAsync(job, CancellationToken.None).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await write(transaction).ConfigureAwait(false);
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
