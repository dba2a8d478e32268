using Microsoft.Extensions.Time.Testing;

namespace SyncKit.Sqlite.Tests;

/// <summary>
/// The transaction a destination in the same file writes in: prepared without blocking a thread while another transaction
/// of the process writes, and holds reserved before its first write still commit at once.
/// </summary>
public sealed class SqliteDestinationTransactionTests : IDisposable
{
    private static readonly JobId Job = new("tenant-a", "invoices");
    private static readonly JobId OtherJob = new("tenant-b", "invoices");

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task PrepareDbTransactionAsync_AnotherTransactionIsWriting_WaitsWithoutBlockingAndGoesOnOnceItCommits()
    {
        using var store = _database.OpenStore();
        var writing = await store.BeginTransactionAsync(OtherJob, default);
        await writing.Checkpoints.SaveAsync(OtherJob, Cursor.FromSequence(1), default);
        var destination = await store.BeginTransactionAsync(Job, default);

        var prepare = destination.PrepareDbTransactionAsync(default).AsTask();

        prepare.IsCompleted.Should().BeFalse("the process's write gate is held by the other transaction, and waiting for it must not hold this thread");
        await writing.CommitAsync(default);
        await writing.DisposeAsync();
        await prepare;
        destination.DbTransaction.Should().NotBeNull();
        await destination.DisposeAsync();
    }

    [Fact]
    public async Task ReserveAsync_AfterPrepareBeforeTheFirstWrite_TheHoldSurvivesARollBack()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var store = _database.OpenStore(time);
        var transaction = await store.BeginTransactionAsync(Job, default);
        await transaction.PrepareDbTransactionAsync(default);

        var held = await transaction.Dedup.ReserveAsync("welcome", ["42"], TimeSpan.FromMinutes(10), default);
        _ = transaction.DbTransaction;
        await transaction.DisposeAsync();

        held.Should().ContainSingle().Which.Status.Should().Be(DedupStatus.Acquired);
        (await store.Dedup.ReserveAsync("welcome", ["42"], TimeSpan.FromMinutes(10), default)).Single().Status
            .Should().Be(DedupStatus.HeldElsewhere, "the hold committed at once, so a crash after the effect is reported to the next holder");
    }
}
