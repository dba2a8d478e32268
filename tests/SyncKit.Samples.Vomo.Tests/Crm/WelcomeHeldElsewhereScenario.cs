using Microsoft.Extensions.Time.Testing;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm;
using SyncKit.Samples.Vomo.Tests.Support;
using SyncKit.Testing;

namespace SyncKit.Samples.Vomo.Tests.Crm;

/// <summary>
/// A welcome whose reservation is held by another attempt (a process killed after reserving it, on a store that
/// commits reservations at once): the same on every CRM database.
/// </summary>
internal static class WelcomeHeldElsewhereScenario
{
    private static readonly JobId Job = new("acme", "users");

    /// <summary>
    /// Reserves user 42's welcome elsewhere, then syncs users 42 and 43: 42's record must fail (dead-lettered with
    /// <see cref="ErrorClass.Conflict"/>) with nothing sent, a re-drive inside the hold must still send nothing, and
    /// the re-drive after the hold expires must deliver the welcome exactly once.
    /// </summary>
    /// <param name="store">An initialized store whose database holds the CRM tables.</param>
    /// <param name="time">The store's clock.</param>
    /// <param name="destination">The CRM destination for users, welcoming accepted ones.</param>
    /// <param name="outboxRows">Counts the outbox rows with an idempotency key.</param>
    public static async Task RunAsync(ISyncStateStore store, FakeTimeProvider time, IDestination<VomoUser> destination, Func<string, Task<long>> outboxRows)
    {
        var held = Accepted(42);
        var key = CrmWelcomes.Accepted(Job.Tenant, held)!.IdempotencyKey;
        var elsewhere = await store.Dedup.ReserveAsync(CrmWelcomes.Scope(Job.Tenant), [key], CrmWelcomes.Hold, default);
        elsewhere.Single().Status.Should().Be(DedupStatus.Acquired);
        var source = new ScriptedSource<VomoUser>([Record(held), Record(Accepted(43))]);
        var job = new SyncJob<VomoUser>(Job, source, destination, VomoRecordSerializers.Users);
        var engine = new SyncEngine(store, time);

        var first = await engine.RunAsync(job);
        var deadLetters = await store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default);
        var sentWhileHeld = await outboxRows(key);
        time.Advance(TimeSpan.FromMinutes(2));
        await engine.RunAsync(job);
        var sentOnRedriveWhileHeld = await outboxRows(key);
        time.Advance(CrmWelcomes.Hold);
        var redrive = await engine.RunAsync(job);
        var sentAfterHold = await outboxRows(key);
        time.Advance(TimeSpan.FromHours(1));
        await engine.RunAsync(job);

        first.Counts.Written.Should().Be(1, "only user 43 is written; 42's welcome is held elsewhere");
        first.Counts.DeadLettered.Should().Be(1);
        var deadLetter = deadLetters.Should().ContainSingle().Subject;
        deadLetter.RecordKey.Should().Be("42");
        deadLetter.ErrorClass.Should().Be(ErrorClass.Conflict);
        deadLetter.LastError.Should().ContainAll("acme", "42", "another attempt");
        (await outboxRows(CrmWelcomes.Accepted(Job.Tenant, Accepted(43))!.IdempotencyKey)).Should().Be(1L, "the rest of the batch is welcomed");
        sentWhileHeld.Should().Be(0L);
        sentOnRedriveWhileHeld.Should().Be(0L, "the hold has not expired yet");
        sentAfterHold.Should().Be(1L, "the re-drive reacquires the expired hold and delivers the welcome");
        redrive.Outcome.Should().Be(RunOutcome.Succeeded);
        (await store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Should().BeEmpty();
        (await outboxRows(key)).Should().Be(1L, "the welcome is delivered exactly once");
        (await store.Dedup.GetCompletedAsync(CrmWelcomes.Scope(Job.Tenant), [key], default)).Should().Contain(key);
    }

    private static VomoUser Accepted(long id) =>
        new() { Id = id, Email = $"user{id}@example.org", MembershipStatus = "ACCEPTED", CreatedAt = SimulatorHarness.T0, UpdatedAt = SimulatorHarness.T0 };

    private static SourceRecord<VomoUser> Record(VomoUser user) =>
        new(user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Cursor.FromSequence(user.Id), user);
}
