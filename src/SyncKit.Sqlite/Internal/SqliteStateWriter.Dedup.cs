using Microsoft.Data.Sqlite;

namespace SyncKit.Sqlite.Internal;

/// <summary><see cref="IDedupStore"/>: holds and completions of side effects, a batch of keys in one statement.</summary>
internal sealed partial class SqliteStateWriter
{
    public async ValueTask<IReadOnlyList<DedupReservation>> ReserveAsync(string scope, IReadOnlyList<string> keys, TimeSpan hold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return [];
        }

        var distinct = new HashSet<string>(keys, StringComparer.Ordinal);
        var answers = await session.HoldAsync((Scope: scope, Keys: SqliteValues.JsonArray(distinct), Hold: hold, Time: session.Time), static (connection, s) =>
        {
            var now = s.Time.GetUtcNow().UtcTicks;
            var heldUntil = s.Hold.Ticks > DateTimeOffset.MaxValue.UtcTicks - now ? DateTimeOffset.MaxValue.UtcTicks : now + s.Hold.Ticks;

            // One statement answers the whole batch: new keys insert (acquired); existing ones update only their
            // last_reservation, and take a new hold only when the old one expired uncompleted. SET expressions
            // read the row's values from before the update.
            using var reader = connection.Command("""
                    INSERT INTO synckit_dedup (scope, dedup_key, held_until, completed_at, last_reservation)
                    SELECT $scope, value, $held_until, NULL, 0 FROM json_each($keys) WHERE true
                    ON CONFLICT (scope, dedup_key) DO UPDATE SET
                        last_reservation = CASE WHEN completed_at IS NOT NULL THEN 2 WHEN held_until > $now THEN 3 ELSE 1 END,
                        held_until = CASE WHEN completed_at IS NULL AND held_until <= $now THEN excluded.held_until ELSE held_until END
                    RETURNING dedup_key, last_reservation
                    """)
                .Bind("$scope", s.Scope)
                .Bind("$keys", s.Keys)
                .Bind("$held_until", heldUntil)
                .Bind("$now", now)
                .ExecuteReader();
            var statuses = new Dictionary<string, DedupStatus>(StringComparer.Ordinal);
            while (reader.Read())
            {
                statuses[reader.GetString(0)] = reader.GetInt64(1) switch
                {
                    0 => DedupStatus.Acquired,
                    1 => DedupStatus.Reacquired,
                    2 => DedupStatus.AlreadyCompleted,
                    _ => DedupStatus.HeldElsewhere,
                };
            }

            return statuses;
        }, cancellationToken).ConfigureAwait(false);

        // A key repeated in the batch is held by its first occurrence; the repeats see that hold.
        var result = new DedupReservation[keys.Count];
        var answered = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            var status = answers[keys[i]];
            if (!answered.Add(keys[i]) && status is DedupStatus.Acquired or DedupStatus.Reacquired)
            {
                status = DedupStatus.HeldElsewhere;
            }

            result[i] = new DedupReservation(keys[i], status);
        }

        return result;
    }

    public ValueTask CompleteAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        keys.Count == 0 ? ValueTask.CompletedTask : Discard(session.WriteAsync((Scope: scope, Keys: SqliteValues.JsonArray(keys), Now: session.Time.GetUtcNow()), static (connection, s) =>
            connection.Command("""
                    INSERT INTO synckit_dedup (scope, dedup_key, held_until, completed_at, last_reservation)
                    SELECT $scope, value, $now, $now, 2 FROM json_each($keys) WHERE true
                    ON CONFLICT (scope, dedup_key) DO UPDATE SET completed_at = excluded.completed_at, held_until = excluded.held_until
                    """)
                .Bind("$scope", s.Scope)
                .Bind("$keys", s.Keys)
                .Bind("$now", SqliteValues.Ticks(s.Now))
                .ExecuteNonQuery(), cancellationToken));

    public ValueTask ReleaseAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        keys.Count == 0 ? ValueTask.CompletedTask : Discard(session.WriteAsync((Scope: scope, Keys: SqliteValues.JsonArray(keys)), static (connection, s) =>
            connection.Command("DELETE FROM synckit_dedup WHERE scope = $scope AND completed_at IS NULL AND dedup_key IN (SELECT value FROM json_each($keys))")
                .Bind("$scope", s.Scope)
                .Bind("$keys", s.Keys)
                .ExecuteNonQuery(), cancellationToken));

    public ValueTask<IReadOnlySet<string>> GetCompletedAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        session.ReadAsync((Scope: scope, Keys: SqliteValues.JsonArray(keys)), static (connection, s) =>
        {
            using var reader = connection.Command(
                    "SELECT dedup_key FROM synckit_dedup WHERE scope = $scope AND completed_at IS NOT NULL AND dedup_key IN (SELECT value FROM json_each($keys))")
                .Bind("$scope", s.Scope)
                .Bind("$keys", s.Keys)
                .ExecuteReader();
            var completed = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                completed.Add(reader.GetString(0));
            }

            return (IReadOnlySet<string>)completed;
        }, cancellationToken);

    // The expired keys are found by a read, which takes no write lock however many live keys it passes (no index orders
    // keys by expiry: every reservation would pay for one), and deleted by one short write that checks each again.
    public async ValueTask<int> PurgeAsync(DateTimeOffset completedBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var expiry = (Before: SqliteValues.Ticks(completedBefore), Now: SqliteValues.Ticks(session.Time.GetUtcNow()), Limit: limit);
        var expired = await session.ReadAsync(expiry, static (connection, s) =>
        {
            using var reader = connection.Command($"SELECT scope, dedup_key FROM synckit_dedup WHERE {Expired} LIMIT $limit")
                .Bind("$before", s.Before)
                .Bind("$now", s.Now)
                .Bind("$limit", s.Limit)
                .ExecuteReader();
            var keys = new List<(string Scope, string Key)>();
            while (reader.Read())
            {
                keys.Add((reader.GetString(0), reader.GetString(1)));
            }

            return keys;
        }, cancellationToken).ConfigureAwait(false);
        if (expired.Count == 0)
        {
            return 0;
        }

        return await CheckpointedAsync(session.WriteAsync((Session: session, expiry.Before, expiry.Now, Keys: expired), static (connection, s) =>
        {
            var delete = connection.Command($"DELETE FROM synckit_dedup WHERE scope = $scope AND dedup_key = $key AND ({Expired})")
                .Bind("$before", s.Before)
                .Bind("$now", s.Now);
            var next = 0;
            return PurgeInSteps(s.Session, s.Keys.Count, step =>
            {
                // A key that changed since the read is not deleted; the step then ends the batch early, which is harmless.
                var deleted = 0;
                for (var end = next + step; next < end; next++)
                {
                    deleted += delete.Bind("$scope", s.Keys[next].Scope).Bind("$key", s.Keys[next].Key).ExecuteNonQuery();
                }

                return deleted;
            });
        }, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private const string Expired = "(completed_at IS NOT NULL AND completed_at < $before) OR (completed_at IS NULL AND held_until <= $now)";
}
