using SyncKit.Testing.Conformance.Internal;

namespace SyncKit.Testing;

public abstract partial class StateStoreConformanceKit
{
    private static IEnumerable<(string Name, Func<StateStoreConformanceKit, Task> Run)> DeadLetterCases() =>
    [
        Case(nameof(DeadLetters_AddAsync_ThenList_RoundTripsEveryField), k => k.DeadLetters_AddAsync_ThenList_RoundTripsEveryField()),
        Case(nameof(DeadLetters_AddAsync_FailureAtALaterPosition_ReplacesTheEntry), k => k.DeadLetters_AddAsync_FailureAtALaterPosition_ReplacesTheEntry()),
        Case(nameof(DeadLetters_AddAsync_FailureAtAnEarlierPosition_KeepsTheLaterEntry), k => k.DeadLetters_AddAsync_FailureAtAnEarlierPosition_KeepsTheLaterEntry()),
        Case($"{nameof(DeadLetters_AddAsync_TwoVersionsInOneCall_KeepsTheLaterVersion)}(earlier first)", k => k.DeadLetters_AddAsync_TwoVersionsInOneCall_KeepsTheLaterVersion(laterFirst: false)),
        Case($"{nameof(DeadLetters_AddAsync_TwoVersionsInOneCall_KeepsTheLaterVersion)}(later first)", k => k.DeadLetters_AddAsync_TwoVersionsInOneCall_KeepsTheLaterVersion(laterFirst: true)),
        Case($"{nameof(DeadLetters_AddAsync_PositionsOrderedAsCursors_KeepsTheLaterOne)}(9 < 10, timestamped)", k => k.DeadLetters_AddAsync_PositionsOrderedAsCursors_KeepsTheLaterOne("9", "10", withTimestamp: true)),
        Case($"{nameof(DeadLetters_AddAsync_PositionsOrderedAsCursors_KeepsTheLaterOne)}(9 < 10, sequence)", k => k.DeadLetters_AddAsync_PositionsOrderedAsCursors_KeepsTheLaterOne("9", "10", withTimestamp: false)),
        Case($"{nameof(DeadLetters_AddAsync_PositionsOrderedAsCursors_KeepsTheLaterOne)}(99 < 100, sequence)", k => k.DeadLetters_AddAsync_PositionsOrderedAsCursors_KeepsTheLaterOne("99", "100", withTimestamp: false)),
        Case($"{nameof(DeadLetters_AddAsync_PositionsOrderedAsCursors_KeepsTheLaterOne)}(10 < 1a, timestamped)", k => k.DeadLetters_AddAsync_PositionsOrderedAsCursors_KeepsTheLaterOne("10", "1a", withTimestamp: true)),
        Case($"{nameof(DeadLetters_AddAsync_SamePositionAgain_KeepsAttemptsStatusAndScheduleAndTakesTheNewError)}(pending)", k => k.DeadLetters_AddAsync_SamePositionAgain_KeepsAttemptsStatusAndScheduleAndTakesTheNewError(parked: false)),
        Case($"{nameof(DeadLetters_AddAsync_SamePositionAgain_KeepsAttemptsStatusAndScheduleAndTakesTheNewError)}(parked)", k => k.DeadLetters_AddAsync_SamePositionAgain_KeepsAttemptsStatusAndScheduleAndTakesTheNewError(parked: true)),
        Case(nameof(DeadLetters_UpsertAsync_SameKeyInOtherJobs_KeepsThemApart), k => k.DeadLetters_UpsertAsync_SameKeyInOtherJobs_KeepsThemApart()),
        Case(nameof(DeadLetters_ListAsync_Filters_ReturnOnlyMatchingEntries), k => k.DeadLetters_ListAsync_Filters_ReturnOnlyMatchingEntries()),
        Case(nameof(DeadLetters_ListAsync_DueAtOrBefore_ReturnsOnlyDuePendingEntries), k => k.DeadLetters_ListAsync_DueAtOrBefore_ReturnsOnlyDuePendingEntries()),
        Case(nameof(DeadLetters_ListAsync_ManyEntries_OrdersByNextAttemptThenKeyUpToTheLimit), k => k.DeadLetters_ListAsync_ManyEntries_OrdersByNextAttemptThenKeyUpToTheLimit()),
        Case(nameof(DeadLetters_CountAsync_CountsOneJobsEntriesParkedIncluded), k => k.DeadLetters_CountAsync_CountsOneJobsEntriesParkedIncluded()),
        Case(nameof(DeadLetters_UpdateAsync_EntryStillAtItsPosition_RewritesIt), k => k.DeadLetters_UpdateAsync_EntryStillAtItsPosition_RewritesIt()),
        Case(nameof(DeadLetters_UpdateAsync_RecordFailedAgainElsewhereOrResolved_LeavesTheStoreAlone), k => k.DeadLetters_UpdateAsync_RecordFailedAgainElsewhereOrResolved_LeavesTheStoreAlone()),
        Case(nameof(DeadLetters_RemoveAsync_GivenEntries_RemovesThemAndCountsOnlyExistingOnes), k => k.DeadLetters_RemoveAsync_GivenEntries_RemovesThemAndCountsOnlyExistingOnes()),
        Case(nameof(DeadLetters_RemoveAsync_RecordFailedAgainAtANewerPosition_KeepsTheNewerEntry), k => k.DeadLetters_RemoveAsync_RecordFailedAgainAtANewerPosition_KeepsTheNewerEntry()),
    ];

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
    /// <returns>The case.</returns>
    private async Task DeadLetters_AddAsync_ThenList_RoundTripsEveryField()
    {
        var pending = NewDeadLetter(JobA, "1") with { ErrorClass = ErrorClass.Conflict, Attempts = 3 };
        var parked = NewDeadLetter(JobA, "2", dueMinutes: null);

        await Store.DeadLetters.AddAsync([pending, parked], Cancellation);

        var listed = await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), Cancellation);
        Check.Equal([pending, parked], listed);
        AssertSameCursor(pending.Position, listed[0].Position);
    }

    /// <summary>One entry per job and key: a failure of a later version of the record replaces the entry.</summary>
    /// <returns>The case.</returns>
    private async Task DeadLetters_AddAsync_FailureAtALaterPosition_ReplacesTheEntry()
    {
        await Store.DeadLetters.AddAsync([NewDeadLetter(JobA, "1")], Cancellation);
        var later = NewDeadLetter(JobA, "1", dueMinutes: 10) with { Position = Cursor.At(T0.AddMinutes(1), "1"), LastError = "still invalid", LastFailedAt = T0.AddMinutes(2) };

        await Store.DeadLetters.AddAsync([later], Cancellation);

        Check.Equal([later], await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), Cancellation));
        Check.Equal(1, await Store.DeadLetters.CountAsync(JobA, Cancellation));
    }

    /// <summary>
    /// A failure of an earlier version (its retries ran out after the later version was dead-lettered) never replaces
    /// the later version's entry: that version would be in neither the destination nor the queue.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task DeadLetters_AddAsync_FailureAtAnEarlierPosition_KeepsTheLaterEntry()
    {
        var v2 = NewDeadLetter(JobA, "5") with { Position = Cursor.At(T0.AddSeconds(2), "5"), Payload = "{\"v\":2}" };
        await Store.DeadLetters.AddAsync([v2], Cancellation);
        var v1 = NewDeadLetter(JobA, "5") with { Position = Cursor.At(T0.AddSeconds(1), "5"), Payload = "{\"v\":1}", ErrorClass = ErrorClass.Transient, LastFailedAt = T0.AddMinutes(1) };

        await Store.DeadLetters.AddAsync([v1], Cancellation);

        Check.Equal([v2], await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), Cancellation));
    }

    /// <summary>Two versions of a key in one call keep the later version, in whichever order they come.</summary>
    /// <param name="laterFirst">Whether the later version comes first in the call.</param>
    /// <returns>The case.</returns>
    private async Task DeadLetters_AddAsync_TwoVersionsInOneCall_KeepsTheLaterVersion(bool laterFirst)
    {
        var v1 = NewDeadLetter(JobA, "5") with { Position = Cursor.At(T0.AddSeconds(1), "5"), Payload = "{\"v\":1}" };
        var v2 = NewDeadLetter(JobA, "5") with { Position = Cursor.At(T0.AddSeconds(2), "5"), Payload = "{\"v\":2}" };

        await Store.DeadLetters.AddAsync(laterFirst ? [v2, v1] : [v1, v2], Cancellation);

        Check.Equal([v2], await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), Cancellation));
    }

    /// <summary>Positions compare as <see cref="Cursor.CompareTo"/> does: all-digit ids by value (9 before 10), not as text.</summary>
    /// <param name="earlier">The earlier position's id.</param>
    /// <param name="later">The later position's id.</param>
    /// <param name="withTimestamp">Whether the positions share a timestamp, or are sequence numbers without one.</param>
    /// <returns>The case.</returns>
    private async Task DeadLetters_AddAsync_PositionsOrderedAsCursors_KeepsTheLaterOne(string earlier, string later, bool withTimestamp)
    {
        Cursor PositionOf(string id) => withTimestamp ? Cursor.At(T0, id) : new Cursor(null, id);
        var laterEntry = NewDeadLetter(JobA, "k") with { Position = PositionOf(later) };
        await Store.DeadLetters.AddAsync([laterEntry], Cancellation);

        await Store.DeadLetters.AddAsync([NewDeadLetter(JobA, "k") with { Position = PositionOf(earlier), LastError = "earlier" }], Cancellation);

        Check.Equal([laterEntry], await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), Cancellation));
    }

    /// <summary>
    /// The same version failing again (a run re-read it inside its lookback) keeps the entry's attempts, status, first
    /// failure and next attempt, so it still parks after the bounded attempts; the error and its time are the new ones.
    /// </summary>
    /// <param name="parked">Whether the entry was already parked.</param>
    /// <returns>The case.</returns>
    private async Task DeadLetters_AddAsync_SamePositionAgain_KeepsAttemptsStatusAndScheduleAndTakesTheNewError(bool parked)
    {
        var queued = NewDeadLetter(JobA, "7", dueMinutes: parked ? null : 8) with { Attempts = 4 };
        await Store.DeadLetters.AddAsync([queued], Cancellation);
        var again = NewDeadLetter(JobA, "7") with
        {
            ErrorClass = ErrorClass.Conflict,
            LastError = "failed again",
            Attempts = 1,
            FirstFailedAt = T0.AddMinutes(5),
            LastFailedAt = T0.AddMinutes(5),
            NextAttemptAt = T0.AddMinutes(6),
        };

        await Store.DeadLetters.AddAsync([again], Cancellation);

        var expected = queued with { ErrorClass = ErrorClass.Conflict, LastError = "failed again", LastFailedAt = T0.AddMinutes(5) };
        Check.Equal([expected], await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), Cancellation));
    }

    /// <summary>The same record key in other jobs is a different entry.</summary>
    /// <returns>The case.</returns>
    private async Task DeadLetters_UpsertAsync_SameKeyInOtherJobs_KeepsThemApart()
    {
        await Store.DeadLetters.AddAsync([NewDeadLetter(JobA, "1"), NewDeadLetter(JobB, "1"), NewDeadLetter(JobC, "1")], Cancellation);

        Check.Equal(1, await Store.DeadLetters.CountAsync(JobA, Cancellation));
        Check.Equal(1, await Store.DeadLetters.CountAsync(JobB, Cancellation));
        Check.Equal(1, await Store.DeadLetters.CountAsync(JobC, Cancellation));
    }

    /// <summary>Tenant, stream and status filters each narrow the list.</summary>
    /// <returns>The case.</returns>
    private async Task DeadLetters_ListAsync_Filters_ReturnOnlyMatchingEntries()
    {
        await Store.DeadLetters.AddAsync(
            [NewDeadLetter(JobA, "a1"), NewDeadLetter(JobA, "a2", dueMinutes: null), NewDeadLetter(JobB, "b1"), NewDeadLetter(JobC, "c1")],
            Cancellation);

        async Task<IEnumerable<string>> KeysAsync(DeadLetterQuery query) =>
            (await Store.DeadLetters.ListAsync(query, Cancellation)).Select(e => e.RecordKey).Order(StringComparer.Ordinal);

        Check.Equal(["a1", "a2", "b1"], await KeysAsync(new DeadLetterQuery { Tenant = "tenant-a" }));
        Check.Equal(["a1", "a2", "c1"], await KeysAsync(new DeadLetterQuery { Stream = "invoices" }));
        Check.Equal(["a1", "a2"], await KeysAsync(DeadLetterQuery.ForJob(JobA)));
        Check.Equal(["a2"], await KeysAsync(DeadLetterQuery.ForJob(JobA) with { Status = DeadLetterStatus.Parked }));
        Check.Equal(["a1", "b1", "c1"], await KeysAsync(new DeadLetterQuery { Status = DeadLetterStatus.Pending }));
        Check.Equal(["a1", "a2", "b1", "c1"], await KeysAsync(new DeadLetterQuery()));
    }

    /// <summary>The due filter returns pending entries whose next attempt is at or before the instant; never parked ones.</summary>
    /// <returns>The case.</returns>
    private async Task DeadLetters_ListAsync_DueAtOrBefore_ReturnsOnlyDuePendingEntries()
    {
        await Store.DeadLetters.AddAsync(
            [NewDeadLetter(JobA, "due-early", 1), NewDeadLetter(JobA, "due-now", 5), NewDeadLetter(JobA, "later", 6), NewDeadLetter(JobA, "parked", null)],
            Cancellation);

        var due = await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA) with { DueAtOrBefore = T0.AddMinutes(5) }, Cancellation);

        Check.Equal(["due-early", "due-now"], due.Select(e => e.RecordKey));
    }

    /// <summary>Entries come oldest next attempt first (ties by key, parked last), cut at the limit.</summary>
    /// <returns>The case.</returns>
    private async Task DeadLetters_ListAsync_ManyEntries_OrdersByNextAttemptThenKeyUpToTheLimit()
    {
        await Store.DeadLetters.AddAsync(
            [NewDeadLetter(JobA, "p", null), NewDeadLetter(JobA, "c", 3), NewDeadLetter(JobA, "b", 1), NewDeadLetter(JobA, "a", 3), NewDeadLetter(JobA, "d", 2)],
            Cancellation);

        var all = await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), Cancellation);
        var firstThree = await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA) with { Limit = 3 }, Cancellation);

        Check.Equal(["b", "d", "a", "c", "p"], all.Select(e => e.RecordKey));
        Check.Equal(["b", "d", "a"], firstThree.Select(e => e.RecordKey));
    }

    /// <summary>Count covers one job's entries, parked ones included.</summary>
    /// <returns>The case.</returns>
    private async Task DeadLetters_CountAsync_CountsOneJobsEntriesParkedIncluded()
    {
        Check.Equal(0, await Store.DeadLetters.CountAsync(JobA, Cancellation));
        await Store.DeadLetters.AddAsync([NewDeadLetter(JobA, "1"), NewDeadLetter(JobA, "2", null), NewDeadLetter(JobB, "3")], Cancellation);

        Check.Equal(2, await Store.DeadLetters.CountAsync(JobA, Cancellation));
    }

    /// <summary>An update (a re-drive rescheduling an entry it read) rewrites the entry while it is at the position read.</summary>
    /// <returns>The case.</returns>
    private async Task DeadLetters_UpdateAsync_EntryStillAtItsPosition_RewritesIt()
    {
        var read = NewDeadLetter(JobA, "1");
        await Store.DeadLetters.AddAsync([read, NewDeadLetter(JobA, "2")], Cancellation);
        var rescheduled = read with { Attempts = 2, LastError = "still invalid", NextAttemptAt = T0.AddMinutes(3) };

        var updated = await Store.DeadLetters.UpdateAsync([rescheduled], Cancellation);

        Check.Equal(1, updated);
        Check.Equal([NewDeadLetter(JobA, "2"), rescheduled], await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), Cancellation));
    }

    /// <summary>
    /// An update of an entry whose record failed again at another position since it was read leaves the newer entry
    /// alone, and one of an entry no longer stored does not bring it back.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task DeadLetters_UpdateAsync_RecordFailedAgainElsewhereOrResolved_LeavesTheStoreAlone()
    {
        var read = NewDeadLetter(JobA, "5") with { Position = Cursor.At(T0.AddSeconds(1), "5") };
        var newer = NewDeadLetter(JobA, "5") with { Position = Cursor.At(T0.AddSeconds(2), "5"), LastError = "v2 invalid" };
        await Store.DeadLetters.AddAsync([read, newer], Cancellation);

        var updated = await Store.DeadLetters.UpdateAsync(
            [read with { Status = DeadLetterStatus.Parked, NextAttemptAt = null }, NewDeadLetter(JobA, "gone")],
            Cancellation);

        Check.Equal(0, updated);
        Check.Equal([newer], await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), Cancellation));
    }

    /// <summary>Removing deletes the given entries of one job and says how many existed.</summary>
    /// <returns>The case.</returns>
    private async Task DeadLetters_RemoveAsync_GivenEntries_RemovesThemAndCountsOnlyExistingOnes()
    {
        await Store.DeadLetters.AddAsync([NewDeadLetter(JobA, "1"), NewDeadLetter(JobA, "2"), NewDeadLetter(JobA, "3"), NewDeadLetter(JobB, "1")], Cancellation);

        var removed = await Store.DeadLetters.RemoveAsync(
            JobA,
            [DeadLetterId.Of(NewDeadLetter(JobA, "1")), DeadLetterId.Of(NewDeadLetter(JobA, "3")), DeadLetterId.Of(NewDeadLetter(JobA, "never-failed"))],
            Cancellation);

        Check.Equal(2, removed);
        Check.Equal(["2"], (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), Cancellation)).Select(e => e.RecordKey));
        Check.Equal(1, await Store.DeadLetters.CountAsync(JobB, Cancellation));
    }

    /// <summary>
    /// Removing an entry read at one position (a re-drive that resolved <c>5@v1</c>, an operator who listed it) keeps the
    /// entry of a newer failure of the same record that arrived since: only the entry read is resolved.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task DeadLetters_RemoveAsync_RecordFailedAgainAtANewerPosition_KeepsTheNewerEntry()
    {
        var read = NewDeadLetter(JobA, "5") with { Position = Cursor.At(T0.AddSeconds(1), "5") };
        await Store.DeadLetters.AddAsync([read], Cancellation);
        var newer = NewDeadLetter(JobA, "5") with { Position = Cursor.At(T0.AddSeconds(2), "5"), LastError = "v2 invalid" };
        await Store.DeadLetters.AddAsync([newer], Cancellation);

        var removed = await Store.DeadLetters.RemoveAsync(JobA, [DeadLetterId.Of(read)], Cancellation);

        Check.Equal(0, removed);
        Check.Equal([newer], await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), Cancellation));
    }
}
