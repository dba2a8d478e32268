using System.Globalization;
using Npgsql;

namespace SyncKit.Postgres.Internal;

/// <summary>
/// Reads the database's visibility horizon: the start of its oldest open transaction (or the database's clock when none
/// is open), less a margin. A transaction stamps its rows at or after its start and they become visible only when it
/// commits, so every row stamped below the horizon that will ever be visible is visible now.
/// </summary>
/// <remarks>
/// The horizon must be read in a statement of its own, before the statement that reads rows below it: that statement's
/// snapshot is then taken after this one looked at the open transactions, so a transaction that commits between the
/// two is either still listed here (and holds the horizon) or already visible to the read.
/// </remarks>
internal static class VisibilityHorizon
{
    // The longest name shown (application, role, database): PostgreSQL keeps 63 bytes, but nothing the server sends
    // is trusted for size.
    private const int MaxNameLength = 64;

    // Every session of this database but this one. A session whose role the reader cannot see into shows no backend
    // type; one with track_activities off shows the state 'disabled': neither tells when its transaction started, so the
    // read is refused rather than guessed. Autovacuum workers and WAL senders never write a table's rows, so their long
    // transactions do not hold the horizon.
    private const string Sql = """
        SELECT now(), pg_is_in_recovery(), current_user, current_database(), c.hidden, c.untracked,
               o.xact_start, o.pid, o.application_name, o.state
        FROM (
            SELECT count(*) FILTER (WHERE a.backend_type IS NULL) AS hidden, count(*) FILTER (WHERE a.state = 'disabled') AS untracked
            FROM pg_stat_activity a WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()) c
        LEFT JOIN LATERAL (
            SELECT s.xact_start, s.pid, s.application_name, s.state FROM pg_stat_activity s
            WHERE s.datname = current_database() AND s.pid <> pg_backend_pid() AND s.xact_start IS NOT NULL
              AND s.backend_type NOT IN ('autovacuum worker', 'walsender')
            ORDER BY s.xact_start, s.pid LIMIT 1) o ON true
        """;

    public static async ValueTask<SourceHorizon> ReadAsync(NpgsqlConnection connection, TimeSpan margin, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(Sql, connection);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                // An aggregate without GROUP BY: always one row.
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var readAt = reader.GetFieldValue<DateTimeOffset>(0);
                ThrowIfBlind(reader);
                if (reader.IsDBNull(6))
                {
                    return new SourceHorizon(readAt - margin);
                }

                var since = reader.GetFieldValue<DateTimeOffset>(6);
                var holder = string.Create(
                    CultureInfo.InvariantCulture,
                    $"the transaction open since {since:u} (pid {reader.GetInt32(7)}, application '{Clean(reader, 8)}', {Clean(reader, 9)})");
                return new SourceHorizon((since < readAt ? since : readAt) - margin, holder);
            }
        }
    }

    private static void ThrowIfBlind(NpgsqlDataReader reader)
    {
        if (reader.GetBoolean(1))
        {
            throw new SyncException(
                ErrorClass.Permanent,
                "The table source is connected to a standby, whose pg_stat_activity does not show the primary's open transactions: connect it to the primary.");
        }

        var (role, database) = (Clean(reader, 2), Clean(reader, 3));
        if (reader.GetInt64(4) is var hidden and > 0)
        {
            throw new SyncException(
                ErrorClass.Authorization,
                string.Create(CultureInfo.InvariantCulture, $"Role '{role}' cannot see when {hidden} session(s) of database '{database}' started their transactions, so the table source cannot tell how far it may read: grant it pg_read_all_stats (or pg_monitor)."));
        }

        if (reader.GetInt64(5) is var untracked and > 0)
        {
            throw new SyncException(
                ErrorClass.Permanent,
                string.Create(CultureInfo.InvariantCulture, $"{untracked} session(s) of database '{database}' run with track_activities off, so their transactions' starts are unknown and the table source cannot tell how far it may read: leave track_activities on."));
        }
    }

    /// <summary>A text the server sent, cut short and without control characters, fit for a health reason.</summary>
    private static string Clean(NpgsqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return string.Empty;
        }

        var text = reader.GetString(ordinal);
        var clean = new string([.. text.Take(MaxNameLength).Where(c => !char.IsControl(c))]);
        return text.Length > MaxNameLength ? clean + "…" : clean;
    }
}
