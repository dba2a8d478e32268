using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using SyncKit.Sqlite.Internal;
using Xunit;

namespace SyncKit.Sqlite.Tests;

/// <summary>
/// A purge batch holds the store's writer for a few rows at a time and ends early when a sync waits for it, so years of
/// history are deleted without a sync's commit waiting for a whole batch.
/// </summary>
public sealed class SqlitePurgeYieldTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly JobId Job = new("acme", "users");

    private readonly TempDatabase _files = new();
    private readonly SqliteDatabase _database;

    public SqlitePurgeYieldTests() =>
        _database = new SqliteDatabase(new SqliteStateStoreOptions { ConnectionString = _files.Path }, TimeProvider.System, NullLogger.Instance, _files.Directory);

    [Fact]
    public async Task EnterWrite_WhileTheGateIsHeld_CountsAWaitingWriterUntilItEnters()
    {
        await _database.EnterWriteAsync(CancellationToken.None);
        _database.WritersWaiting.Should().BeFalse("the holder took a free gate");

        var waiting = _database.EnterWriteAsync(CancellationToken.None).AsTask();
        _database.WritersWaiting.Should().BeTrue();
        _database.ExitWrite();
        await waiting;

        _database.WritersWaiting.Should().BeFalse();
        _database.ExitWrite();
    }

    [Fact]
    public async Task PurgeAsync_AWriterWaits_TheBatchEndsAfterItsFirstStep()
    {
        await _database.InitializeAsync(CancellationToken.None);
        IRunHistoryStore store = new SqliteStateWriter(new AutoCommitSession(_database));
        for (var i = 0; i < 100; i++)
        {
            await store.SaveRunAsync(new RunRecord($"r{i}", Job, T0, T0.AddSeconds(i), RunOutcome.Succeeded, null, null, new RunCounts(1, 1, 0, 0, 0, 0), new Dictionary<ErrorClass, long>(), [], null), CancellationToken.None);
        }

        IRunHistoryStore yielding = new SqliteStateWriter(new WaitedForSession(new AutoCommitSession(_database)));

        (await yielding.PurgeAsync(T0.AddDays(1), 100, CancellationToken.None)).Should().Be(16, "a step is 16 rows, and a writer waits after it");
        (await store.PurgeAsync(T0.AddDays(1), 100, CancellationToken.None)).Should().Be(84, "with nobody waiting the batch goes on to its limit");
    }

    public void Dispose()
    {
        _database.Dispose();
        _files.Dispose();
    }

    /// <summary>A session as it is when another writer of the process always waits.</summary>
    private sealed class WaitedForSession(ISqliteSession inner) : ISqliteSession
    {
        public TimeProvider Time => inner.Time;

        public bool WritersWaiting => true;

        public ValueTask CheckpointAsync(CancellationToken cancellationToken) => inner.CheckpointAsync(cancellationToken);

        public ValueTask<TResult> ReadAsync<TState, TResult>(TState state, Func<StoreConnection, TState, TResult> read, CancellationToken cancellationToken) =>
            inner.ReadAsync(state, read, cancellationToken);

        public ValueTask<TResult> WriteAsync<TState, TResult>(TState state, Func<StoreConnection, TState, TResult> write, CancellationToken cancellationToken) =>
            inner.WriteAsync(state, write, cancellationToken);

        public ValueTask<TResult> HoldAsync<TState, TResult>(TState state, Func<StoreConnection, TState, TResult> write, CancellationToken cancellationToken) =>
            inner.HoldAsync(state, write, cancellationToken);
    }
}
