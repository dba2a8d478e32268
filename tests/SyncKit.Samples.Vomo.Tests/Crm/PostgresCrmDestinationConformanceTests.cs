using System.Collections.Concurrent;
using SyncKit.Postgres;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm;
using SyncKit.Testing;
using SyncKit.Testing.Xunit;

namespace SyncKit.Samples.Vomo.Tests.Crm;

/// <summary>
/// The PostgreSQL CRM destination passes the destination conformance kit. The kit writes each batch on its own;
/// this destination writes only inside the store's transaction, so each batch here gets one and commits it.
/// </summary>
public sealed class PostgresCrmDestinationConformanceTests : DestinationConformanceTests<VomoUser>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly ConcurrentDictionary<string, long> Ids = new(StringComparer.Ordinal);

    private PostgresCrmDatabase _database = null!;
    private PostgresSyncStateStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresCrmDatabase.CreateAsync();
        _store = _database.NewStore(TimeProvider.System);
        await _store.StartAsync(default);
        await PostgresCrmSchema.EnsureCreatedAsync(_database.ConnectionString, default);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _database.DisposeAsync();
    }

    protected override ValueTask<IDestination<VomoUser>> CreateDestinationAsync() =>
        ValueTask.FromResult<IDestination<VomoUser>>(new CommittingDestination(_store, new PostgresCrmDestination<VomoUser>(CrmTable<VomoUser>.Contacts)));

    protected override SourceRecord<VomoUser> CreateRecord(string key, int version) =>
        new(key, Cursor.FromSequence(version), new VomoUser { Id = IdOf(key), Email = $"{key}@example.org", MembershipStatus = "PENDING", CreatedAt = T0, UpdatedAt = T0.AddMinutes(version) });

    // PostgreSQL text cannot hold U+0000: a name with one is what this destination must reject on its own.
    protected override SourceRecord<VomoUser> CreateInvalidRecord(string key)
    {
        var record = CreateRecord(key, 1);
        return record with { Value = record.Value with { FirstName = "Ann\0e" } };
    }

    protected override async ValueTask<int?> ReadVersionAsync(IDestination<VomoUser> destination, string key)
    {
        var row = await _database.QueryRowAsync($"SELECT max(source_updated_at) FROM crm_contacts WHERE tenant = '{Job.Tenant}' AND external_id = '{CrmFormat.ExternalId(IdOf(key))}'");
        return row[0] is DateTime updatedAt ? (int)(new DateTimeOffset(updatedAt, TimeSpan.Zero) - T0).TotalMinutes : null;
    }

    private static long IdOf(string key) => Ids.GetOrAdd(key, _ => Ids.Count + 1_000);

    /// <summary>Writes (or overwrites) each batch in a state transaction of its own and commits it, as the engine does.</summary>
    private sealed class CommittingDestination(ISyncStateStore store, PostgresCrmDestination<VomoUser> inner) : IDestination<VomoUser>, IOverwritableDestination<VomoUser>
    {
        public bool WritesInStateTransaction => inner.WritesInStateTransaction;

        public ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<VomoUser> batch, CancellationToken cancellationToken) =>
            CommitAsync(batch, inner.WriteAsync, cancellationToken);

        public ValueTask<IReadOnlyList<RecordOutcome>> OverwriteAsync(DestinationBatch<VomoUser> batch, CancellationToken cancellationToken) =>
            CommitAsync(batch, inner.OverwriteAsync, cancellationToken);

        private async ValueTask<IReadOnlyList<RecordOutcome>> CommitAsync(
            DestinationBatch<VomoUser> batch,
            Func<DestinationBatch<VomoUser>, CancellationToken, ValueTask<IReadOnlyList<RecordOutcome>>> write,
            CancellationToken cancellationToken)
        {
            await using var transaction = await store.BeginTransactionAsync(batch.Job, cancellationToken);
            var outcomes = await write(batch with { Transaction = transaction, Dedup = transaction.Dedup }, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return outcomes;
        }
    }
}
