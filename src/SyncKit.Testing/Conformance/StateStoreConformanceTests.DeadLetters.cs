using Xunit;

namespace SyncKit.Testing;

public abstract partial class StateStoreConformanceTests
{
    /// <summary>A pending dead letter of <paramref name="job"/> due at <paramref name="dueMinutes"/> after <see cref="T0"/>.</summary>
    /// <param name="job">The job.</param>
    /// <param name="key">The record key.</param>
    /// <param name="dueMinutes">Minutes after <see cref="T0"/> of the next attempt; <see langword="null"/> parks the entry.</param>
    /// <returns>The entry.</returns>
    protected static DeadLetter NewDeadLetter(JobId job, string key, int? dueMinutes = 1) => new(
        job,
        key,
        new Cursor(T0.AddSeconds(17).ToOffset(TimeSpan.FromHours(2)), key, "p"),
        $"{{\"id\":\"{key}\",\"note\":\"ünïcode\"}}",
        ErrorClass.Validation,
        $"record {key} is invalid",
        dueMinutes is null ? 10 : 1,
        T0,
        T0.AddSeconds(30),
        dueMinutes is { } minutes ? T0.AddMinutes(minutes) : null,
        dueMinutes is null ? DeadLetterStatus.Parked : DeadLetterStatus.Pending);

    /// <summary>Every field of an entry comes back as written.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task DeadLetters_UpsertAsync_ThenList_RoundTripsEveryField()
    {
        var pending = NewDeadLetter(JobA, "1") with { ErrorClass = ErrorClass.Conflict, Attempts = 3 };
        var parked = NewDeadLetter(JobA, "2", dueMinutes: null);

        await Store.DeadLetters.UpsertAsync([pending, parked], CancellationToken.None);

        var listed = await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), CancellationToken.None);
        Assert.Equal([pending, parked], listed);
        AssertSameCursor(pending.Position, listed[0].Position);
    }

    /// <summary>One entry per job and key: a newer failure of the same key replaces the entry.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task DeadLetters_UpsertAsync_SameJobAndKey_ReplacesTheEntry()
    {
        await Store.DeadLetters.UpsertAsync([NewDeadLetter(JobA, "1")], CancellationToken.None);
        var retried = NewDeadLetter(JobA, "1", dueMinutes: 10) with { Attempts = 2, LastError = "still invalid", LastFailedAt = T0.AddMinutes(2) };

        await Store.DeadLetters.UpsertAsync([retried], CancellationToken.None);

        Assert.Equal([retried], await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), CancellationToken.None));
        Assert.Equal(1, await Store.DeadLetters.CountAsync(JobA, CancellationToken.None));
    }

    /// <summary>The same record key in other jobs is a different entry.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task DeadLetters_UpsertAsync_SameKeyInOtherJobs_KeepsThemApart()
    {
        await Store.DeadLetters.UpsertAsync([NewDeadLetter(JobA, "1"), NewDeadLetter(JobB, "1"), NewDeadLetter(JobC, "1")], CancellationToken.None);

        Assert.Equal(1, await Store.DeadLetters.CountAsync(JobA, CancellationToken.None));
        Assert.Equal(1, await Store.DeadLetters.CountAsync(JobB, CancellationToken.None));
        Assert.Equal(1, await Store.DeadLetters.CountAsync(JobC, CancellationToken.None));
    }

    /// <summary>Tenant, stream and status filters each narrow the list.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task DeadLetters_ListAsync_Filters_ReturnOnlyMatchingEntries()
    {
        await Store.DeadLetters.UpsertAsync(
            [NewDeadLetter(JobA, "a1"), NewDeadLetter(JobA, "a2", dueMinutes: null), NewDeadLetter(JobB, "b1"), NewDeadLetter(JobC, "c1")],
            CancellationToken.None);

        async Task<IEnumerable<string>> KeysAsync(DeadLetterQuery query) =>
            (await Store.DeadLetters.ListAsync(query, CancellationToken.None)).Select(e => e.RecordKey).Order(StringComparer.Ordinal);

        Assert.Equal(["a1", "a2", "b1"], await KeysAsync(new DeadLetterQuery { Tenant = "tenant-a" }));
        Assert.Equal(["a1", "a2", "c1"], await KeysAsync(new DeadLetterQuery { Stream = "invoices" }));
        Assert.Equal(["a1", "a2"], await KeysAsync(DeadLetterQuery.ForJob(JobA)));
        Assert.Equal(["a2"], await KeysAsync(DeadLetterQuery.ForJob(JobA) with { Status = DeadLetterStatus.Parked }));
        Assert.Equal(["a1", "b1", "c1"], await KeysAsync(new DeadLetterQuery { Status = DeadLetterStatus.Pending }));
        Assert.Equal(["a1", "a2", "b1", "c1"], await KeysAsync(new DeadLetterQuery()));
    }

    /// <summary>The due filter returns pending entries whose next attempt is at or before the instant; never parked ones.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task DeadLetters_ListAsync_DueAtOrBefore_ReturnsOnlyDuePendingEntries()
    {
        await Store.DeadLetters.UpsertAsync(
            [NewDeadLetter(JobA, "due-early", 1), NewDeadLetter(JobA, "due-now", 5), NewDeadLetter(JobA, "later", 6), NewDeadLetter(JobA, "parked", null)],
            CancellationToken.None);

        var due = await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA) with { DueAtOrBefore = T0.AddMinutes(5) }, CancellationToken.None);

        Assert.Equal(["due-early", "due-now"], due.Select(e => e.RecordKey));
    }

    /// <summary>Entries come oldest next attempt first (ties by key, parked last), cut at the limit.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task DeadLetters_ListAsync_ManyEntries_OrdersByNextAttemptThenKeyUpToTheLimit()
    {
        await Store.DeadLetters.UpsertAsync(
            [NewDeadLetter(JobA, "p", null), NewDeadLetter(JobA, "c", 3), NewDeadLetter(JobA, "b", 1), NewDeadLetter(JobA, "a", 3), NewDeadLetter(JobA, "d", 2)],
            CancellationToken.None);

        var all = await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), CancellationToken.None);
        var firstThree = await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA) with { Limit = 3 }, CancellationToken.None);

        Assert.Equal(["b", "d", "a", "c", "p"], all.Select(e => e.RecordKey));
        Assert.Equal(["b", "d", "a"], firstThree.Select(e => e.RecordKey));
    }

    /// <summary>Count covers one job's entries, parked ones included.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task DeadLetters_CountAsync_CountsOneJobsEntriesParkedIncluded()
    {
        Assert.Equal(0, await Store.DeadLetters.CountAsync(JobA, CancellationToken.None));
        await Store.DeadLetters.UpsertAsync([NewDeadLetter(JobA, "1"), NewDeadLetter(JobA, "2", null), NewDeadLetter(JobB, "3")], CancellationToken.None);

        Assert.Equal(2, await Store.DeadLetters.CountAsync(JobA, CancellationToken.None));
    }

    /// <summary>Removing deletes the given keys of one job and says how many existed.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task DeadLetters_RemoveAsync_GivenKeys_RemovesThemAndCountsOnlyExistingOnes()
    {
        await Store.DeadLetters.UpsertAsync([NewDeadLetter(JobA, "1"), NewDeadLetter(JobA, "2"), NewDeadLetter(JobA, "3"), NewDeadLetter(JobB, "1")], CancellationToken.None);

        var removed = await Store.DeadLetters.RemoveAsync(JobA, ["1", "3", "never-failed"], CancellationToken.None);

        Assert.Equal(2, removed);
        Assert.Equal(["2"], (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), CancellationToken.None)).Select(e => e.RecordKey));
        Assert.Equal(1, await Store.DeadLetters.CountAsync(JobB, CancellationToken.None));
    }
}
