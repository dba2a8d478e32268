using System.Globalization;
using SyncKit.Testing.Conformance.Internal;

namespace SyncKit.Testing;

public abstract partial class StateStoreConformanceKit
{
    private const string Scope = "tenant-a/welcome-email";

    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(5);

    private static IEnumerable<(string Name, Func<StateStoreConformanceKit, Task> Run)> DedupCases() =>
    [
        Case(nameof(Dedup_ReserveAsync_NewKeys_AreAcquiredInOrder), k => k.Dedup_ReserveAsync_NewKeys_AreAcquiredInOrder()),
        Case(nameof(Dedup_ReserveAsync_EmptyBatch_ReturnsNothing), k => k.Dedup_ReserveAsync_EmptyBatch_ReturnsNothing()),
        Case(nameof(Dedup_ReserveAsync_HeldKey_IsHeldElsewhereUntilTheHoldEnds), k => k.Dedup_ReserveAsync_HeldKey_IsHeldElsewhereUntilTheHoldEnds()),
        Case(nameof(Dedup_ReserveAsync_AfterTheHoldExpires_IsReacquiredAndHeldAgain), k => k.Dedup_ReserveAsync_AfterTheHoldExpires_IsReacquiredAndHeldAgain()),
        Case(nameof(Dedup_ReserveAsync_CompletedKey_IsAlreadyCompletedForever), k => k.Dedup_ReserveAsync_CompletedKey_IsAlreadyCompletedForever()),
        Case(nameof(Dedup_ReserveAsync_MixedBatch_AnswersEachKeyForItsState), k => k.Dedup_ReserveAsync_MixedBatch_AnswersEachKeyForItsState()),
        Case(nameof(Dedup_ReserveAsync_KeyRepeatedInOneBatch_IsAcquiredOnce), k => k.Dedup_ReserveAsync_KeyRepeatedInOneBatch_IsAcquiredOnce()),
        Case(nameof(Dedup_ReserveAsync_SameKeyInAnotherScope_IsIndependent), k => k.Dedup_ReserveAsync_SameKeyInAnotherScope_IsIndependent()),
        Case(nameof(Dedup_ReserveAsync_LargeBatch_AnswersEveryKey), k => k.Dedup_ReserveAsync_LargeBatch_AnswersEveryKey()),
        Case(nameof(Dedup_ReleaseAsync_HeldKey_CanBeAcquiredAgainAtOnce), k => k.Dedup_ReleaseAsync_HeldKey_CanBeAcquiredAgainAtOnce()),
        Case(nameof(Dedup_ReleaseAsync_CompletedKey_StaysCompleted), k => k.Dedup_ReleaseAsync_CompletedKey_StaysCompleted()),
        Case(nameof(Dedup_GetCompletedAsync_MixedKeys_ReturnsOnlyTheCompletedOnes), k => k.Dedup_GetCompletedAsync_MixedKeys_ReturnsOnlyTheCompletedOnes()),
        Case(nameof(Dedup_CompleteAsync_WithoutReservation_MarksTheKeyCompleted), k => k.Dedup_CompleteAsync_WithoutReservation_MarksTheKeyCompleted()),
        Case(nameof(Dedup_PurgeAsync_OldCompletionsAndExpiredHolds_AreDeletedTheRestKept), k => k.Dedup_PurgeAsync_OldCompletionsAndExpiredHolds_AreDeletedTheRestKept()),
        Case(nameof(Dedup_ReserveAsync_ConcurrentWorkers_EachKeyIsHeldByExactlyOne), k => k.Dedup_ReserveAsync_ConcurrentWorkers_EachKeyIsHeldByExactlyOne()),
    ];

    /// <summary>Keys never seen are acquired, answered in the order asked.</summary>
    /// <returns>The case.</returns>
    private async Task Dedup_ReserveAsync_NewKeys_AreAcquiredInOrder()
    {
        var reservations = await Store.Dedup.ReserveAsync(Scope, ["b", "a", "c"], Hold, Cancellation);

        Check.Equal(["b", "a", "c"], reservations.Select(r => r.Key));
        Check.All(reservations, r => Check.Equal(DedupStatus.Acquired, r.Status));
    }

    /// <summary>An empty batch is answered with an empty list.</summary>
    /// <returns>The case.</returns>
    private async Task Dedup_ReserveAsync_EmptyBatch_ReturnsNothing() =>
        Check.Empty(await Store.Dedup.ReserveAsync(Scope, [], Hold, Cancellation));

    /// <summary>While a hold lasts, nobody else acquires the key, up to the last tick of the hold.</summary>
    /// <returns>The case.</returns>
    private async Task Dedup_ReserveAsync_HeldKey_IsHeldElsewhereUntilTheHoldEnds()
    {
        await Store.Dedup.ReserveAsync(Scope, ["k"], Hold, Cancellation);
        Time.Advance(Hold - TimeSpan.FromSeconds(1));

        var reservation = Check.Single(await Store.Dedup.ReserveAsync(Scope, ["k"], Hold, Cancellation));

        Check.Equal(DedupStatus.HeldElsewhere, reservation.Status);
        Check.False(reservation.IsHeld);
    }

    /// <summary>
    /// A hold that expired without completing may mean the effect happened once already: the next
    /// reservation is <see cref="DedupStatus.Reacquired"/> so the possible repeat is reported, and it holds
    /// the key again.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task Dedup_ReserveAsync_AfterTheHoldExpires_IsReacquiredAndHeldAgain()
    {
        await Store.Dedup.ReserveAsync(Scope, ["k"], Hold, Cancellation);
        Time.Advance(Hold);

        var reacquired = Check.Single(await Store.Dedup.ReserveAsync(Scope, ["k"], Hold, Cancellation));
        var again = Check.Single(await Store.Dedup.ReserveAsync(Scope, ["k"], Hold, Cancellation));

        Check.Equal(DedupStatus.Reacquired, reacquired.Status);
        Check.True(reacquired.IsHeld);
        Check.Equal(DedupStatus.HeldElsewhere, again.Status);
    }

    /// <summary>A completed key stays completed, however much time passes.</summary>
    /// <returns>The case.</returns>
    private async Task Dedup_ReserveAsync_CompletedKey_IsAlreadyCompletedForever()
    {
        await Store.Dedup.ReserveAsync(Scope, ["k"], Hold, Cancellation);
        await Store.Dedup.CompleteAsync(Scope, ["k"], Cancellation);
        Time.Advance(TimeSpan.FromDays(400));

        var reservation = Check.Single(await Store.Dedup.ReserveAsync(Scope, ["k"], Hold, Cancellation));

        Check.Equal(DedupStatus.AlreadyCompleted, reservation.Status);
    }

    /// <summary>One batch answers each key for its own state, in the order asked.</summary>
    /// <returns>The case.</returns>
    private async Task Dedup_ReserveAsync_MixedBatch_AnswersEachKeyForItsState()
    {
        await Store.Dedup.ReserveAsync(Scope, ["expired"], TimeSpan.FromMinutes(1), Cancellation);
        await Store.Dedup.ReserveAsync(Scope, ["held", "done"], Hold, Cancellation);
        await Store.Dedup.CompleteAsync(Scope, ["done"], Cancellation);
        Time.Advance(TimeSpan.FromMinutes(2));

        var reservations = await Store.Dedup.ReserveAsync(Scope, ["done", "new", "held", "expired"], Hold, Cancellation);

        Check.Equal(
            [
                new DedupReservation("done", DedupStatus.AlreadyCompleted),
                new DedupReservation("new", DedupStatus.Acquired),
                new DedupReservation("held", DedupStatus.HeldElsewhere),
                new DedupReservation("expired", DedupStatus.Reacquired),
            ],
            reservations);
    }

    /// <summary>A key repeated in one batch is held once: the repeat answers <see cref="DedupStatus.HeldElsewhere"/>.</summary>
    /// <returns>The case.</returns>
    private async Task Dedup_ReserveAsync_KeyRepeatedInOneBatch_IsAcquiredOnce()
    {
        var reservations = await Store.Dedup.ReserveAsync(Scope, ["k", "k"], Hold, Cancellation);

        Check.Equal([DedupStatus.Acquired, DedupStatus.HeldElsewhere], reservations.Select(r => r.Status));
    }

    /// <summary>Scopes are separate namespaces: the same key is independent in each.</summary>
    /// <returns>The case.</returns>
    private async Task Dedup_ReserveAsync_SameKeyInAnotherScope_IsIndependent()
    {
        await Store.Dedup.ReserveAsync(Scope, ["k"], Hold, Cancellation);
        await Store.Dedup.CompleteAsync(Scope, ["k"], Cancellation);

        var other = Check.Single(await Store.Dedup.ReserveAsync("tenant-b/welcome-email", ["k"], Hold, Cancellation));

        Check.Equal(DedupStatus.Acquired, other.Status);
    }

    /// <summary>Batches far larger than any statement parameter limit work, each key answered.</summary>
    /// <returns>The case.</returns>
    private async Task Dedup_ReserveAsync_LargeBatch_AnswersEveryKey()
    {
        var keys = Enumerable.Range(0, 40_000).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        await Store.Dedup.ReserveAsync(Scope, keys.Where((_, i) => i % 2 == 0).ToList(), Hold, Cancellation);

        var reservations = await Store.Dedup.ReserveAsync(Scope, keys, Hold, Cancellation);

        Check.Equal(keys, reservations.Select(r => r.Key));
        Check.Equal(
            keys.Select((_, i) => i % 2 == 0 ? DedupStatus.HeldElsewhere : DedupStatus.Acquired),
            reservations.Select(r => r.Status));
    }

    /// <summary>A released reservation can be acquired again at once, as a fresh <see cref="DedupStatus.Acquired"/>.</summary>
    /// <returns>The case.</returns>
    private async Task Dedup_ReleaseAsync_HeldKey_CanBeAcquiredAgainAtOnce()
    {
        await Store.Dedup.ReserveAsync(Scope, ["k"], Hold, Cancellation);

        await Store.Dedup.ReleaseAsync(Scope, ["k"], Cancellation);

        Check.Equal(DedupStatus.Acquired, Check.Single(await Store.Dedup.ReserveAsync(Scope, ["k"], Hold, Cancellation)).Status);
    }

    /// <summary>Releasing never undoes a completion.</summary>
    /// <returns>The case.</returns>
    private async Task Dedup_ReleaseAsync_CompletedKey_StaysCompleted()
    {
        await Store.Dedup.ReserveAsync(Scope, ["k"], Hold, Cancellation);
        await Store.Dedup.CompleteAsync(Scope, ["k"], Cancellation);

        await Store.Dedup.ReleaseAsync(Scope, ["k", "never-seen"], Cancellation);

        Check.Equal(DedupStatus.AlreadyCompleted, Check.Single(await Store.Dedup.ReserveAsync(Scope, ["k"], Hold, Cancellation)).Status);
    }

    /// <summary>Only completed keys are reported completed: held and unknown keys are not.</summary>
    /// <returns>The case.</returns>
    private async Task Dedup_GetCompletedAsync_MixedKeys_ReturnsOnlyTheCompletedOnes()
    {
        await Store.Dedup.ReserveAsync(Scope, ["done-1", "done-2", "held"], Hold, Cancellation);
        await Store.Dedup.CompleteAsync(Scope, ["done-1", "done-2"], Cancellation);
        await Store.Dedup.CompleteAsync("another-scope", ["held"], Cancellation);

        var completed = await Store.Dedup.GetCompletedAsync(Scope, ["done-1", "held", "unknown", "done-2"], Cancellation);

        Check.Equal(["done-1", "done-2"], completed.Order(StringComparer.Ordinal));
    }

    /// <summary>Completing a key that was never reserved still marks it done (an effect recorded after the fact).</summary>
    /// <returns>The case.</returns>
    private async Task Dedup_CompleteAsync_WithoutReservation_MarksTheKeyCompleted()
    {
        await Store.Dedup.CompleteAsync(Scope, ["k"], Cancellation);

        Check.Equal(DedupStatus.AlreadyCompleted, Check.Single(await Store.Dedup.ReserveAsync(Scope, ["k"], Hold, Cancellation)).Status);
    }

    /// <summary>Purging deletes completions older than the limit and expired holds, and keeps the rest.</summary>
    /// <returns>The case.</returns>
    private async Task Dedup_PurgeAsync_OldCompletionsAndExpiredHolds_AreDeletedTheRestKept()
    {
        await Store.Dedup.CompleteAsync(Scope, ["old"], Cancellation);
        await Store.Dedup.ReserveAsync(Scope, ["expired"], TimeSpan.FromMinutes(30), Cancellation);
        Time.Advance(TimeSpan.FromHours(2));
        await Store.Dedup.CompleteAsync(Scope, ["recent"], Cancellation);
        await Store.Dedup.ReserveAsync(Scope, ["held"], TimeSpan.FromHours(1), Cancellation);

        var purged = await Store.Dedup.PurgeAsync(T0.AddHours(1), 100, Cancellation);

        Check.Equal(2, purged);
        var reservations = await Store.Dedup.ReserveAsync(Scope, ["old", "expired", "recent", "held"], Hold, Cancellation);
        Check.Equal(
            [DedupStatus.Acquired, DedupStatus.Acquired, DedupStatus.AlreadyCompleted, DedupStatus.HeldElsewhere],
            reservations.Select(r => r.Status));
    }

    /// <summary>Concurrent workers reserving overlapping keys: every key is held by exactly one of them.</summary>
    /// <returns>The case.</returns>
    private async Task Dedup_ReserveAsync_ConcurrentWorkers_EachKeyIsHeldByExactlyOne()
    {
        var keys = Enumerable.Range(0, 200).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();

        var workers = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var held = new List<string>();
            foreach (var chunk in keys.Skip(worker * 10).Concat(keys.Take(worker * 10)).Chunk(25))
            {
                var reservations = await Store.Dedup.ReserveAsync(Scope, chunk, Hold, Cancellation);
                held.AddRange(reservations.Where(r => r.IsHeld).Select(r => r.Key));
            }

            return held;
        })));

        Check.Equal(keys.Order(StringComparer.Ordinal), workers.SelectMany(h => h).Order(StringComparer.Ordinal));
    }
}
