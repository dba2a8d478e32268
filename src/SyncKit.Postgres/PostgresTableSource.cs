using System.Data.Common;
using System.Runtime.CompilerServices;
using Npgsql;
using SyncKit.Postgres.Internal;

namespace SyncKit.Postgres;

/// <summary>
/// Reads the rows of a PostgreSQL table changed after a cursor, oldest first by <c>(updated_at, key)</c>, and never
/// past the database's visibility horizon: the start of the oldest transaction still open in the database (less
/// <see cref="PostgresTableSourceOptions.HorizonMargin"/>). A row committed late, whatever its <c>updated_at</c>, is
/// still ahead of the checkpoint when it becomes visible, so the job misses nothing without a lookback.
/// </summary>
/// <typeparam name="T">The record type the row mapper makes.</typeparam>
/// <remarks>
/// <para>
/// A row becomes visible when its transaction commits, but carries the time the transaction stamped on it, which can
/// be long before: a transaction held open, or one waiting on another's row lock. Polling by <c>updated_at</c> alone
/// reads past such a row while it is invisible and never comes back for it; a lookback only narrows the window. This
/// source reads only rows stamped below the start of every open transaction, which every row still to commit is
/// stamped at or after. It reads each page's horizon from <c>pg_stat_activity</c> in a statement of its own, then
/// the page below it, and reports the horizon on the page (<see cref="SourcePage{T}.Horizon"/>), naming the
/// transaction that holds it.
/// </para>
/// <para>
/// Each key's versions are therefore read in the order they were stamped, even when a transaction that stamped
/// earlier commits later (it waited on a lock) and overwrites a newer-stamped version: while it is open the horizon
/// stays below its stamp, so the newer-stamped version is never read and a destination that skips older writes never
/// holds a version newer than the one the table ends with.
/// </para>
/// <para>
/// Needs: <c>SELECT</c> on the table; a role that sees every session's transaction start (a member of
/// <c>pg_read_all_stats</c> or <c>pg_monitor</c>, or of every role that writes), else reads stop with an
/// authorization error naming it; <c>track_activities</c> on; the primary, not a standby; <c>updated_at</c> a
/// <c>timestamptz</c> set by the database inside the writing transaction (<c>now()</c>, <c>clock_timestamp()</c> or a
/// trigger), not by a client's clock. Two-phase commit is not covered: a prepared transaction no longer shows in
/// <c>pg_stat_activity</c>.
/// </para>
/// <para>
/// Any open transaction in the database holds the horizon, including one left idle in a transaction: the job then
/// reads nothing newer than its start, its lag grows, and health names the transaction (see
/// <see cref="JobHealth.Horizon"/>). Index the table on <c>(updated_at, key)</c>.
/// </para>
/// </remarks>
public sealed class PostgresTableSource<T> : IWindowedSource<T>, IKeyListingSource, IKeyLookupSource<T>
{
    // Rows per statement for window reads and key listings, which have no page size of their own: keyset pages keep
    // each statement (and so each transaction this source holds open) short.
    private const int BatchSize = 1_000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly Func<DbDataReader, T> _map;
    private readonly TableSourceSql _sql;
    private readonly TimeSpan _margin;

    /// <summary>Creates a source over one table.</summary>
    /// <param name="dataSource">Connects to the table's database (its primary).</param>
    /// <param name="options">The table, its key and change-time columns, the columns to map.</param>
    /// <param name="map">
    /// Makes a record from the current row. Its columns are <see cref="PostgresTableSourceOptions.Columns"/> in order
    /// (or the table's, when none are named), from ordinal 0; read them by ordinal or by name.
    /// </param>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public PostgresTableSource(NpgsqlDataSource dataSource, PostgresTableSourceOptions options, Func<DbDataReader, T> map)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(map);
        options.ThrowIfInvalid();
        _dataSource = dataSource;
        _map = map;
        _sql = new TableSourceSql(options);
        _margin = options.HorizonMargin;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The page holds rows changed after <paramref name="after"/> and before the horizon, at most
    /// <see cref="SourceReadContext.PageSize"/>; the horizon is read again for every page.
    /// </remarks>
    public async ValueTask<SourcePage<T>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var horizon = await VisibilityHorizon.ReadAsync(connection, _margin, cancellationToken).ConfigureAwait(false);
            var records = await ReadRowsAsync(connection, horizon.At, after, context.PageSize + 1, cancellationToken).ConfigureAwait(false);
            var more = records.Count > context.PageSize;
            if (more)
            {
                records.RemoveAt(records.Count - 1);
            }

            return new SourcePage<T>(records, more) { Horizon = horizon };
        }
    }

    /// <inheritdoc />
    /// <remarks>Reads the rows as they are now, in pages of a thousand, each its own statement.</remarks>
    public async IAsyncEnumerable<SourceRecord<T>> ReadWindowAsync(JobId job, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // An empty id sorts before every key at its instant: the first page starts at the window's start, inclusive.
        var after = Cursor.At(from, string.Empty);
        while (true)
        {
            List<SourceRecord<T>> records;
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                records = await ReadRowsAsync(connection, to, after, BatchSize, cancellationToken).ConfigureAwait(false);
            }

            foreach (var record in records)
            {
                yield return record;
            }

            if (records.Count < BatchSize)
            {
                yield break;
            }

            after = records[^1].Position;
        }
    }

    /// <inheritdoc />
    /// <remarks>Lists the keys in key order, in pages of a thousand, each its own statement.</remarks>
    public async IAsyncEnumerable<string> ListKeysAsync(JobId job, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? last = null;
        while (true)
        {
            var keys = new List<string>(BatchSize);
            var command = last is null
                ? _dataSource.CreateCommand(_sql.FirstKeys).With(BatchSize)
                : _dataSource.CreateCommand(_sql.KeysAfter).WithKey(last).With(BatchSize);
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        keys.Add(reader.GetString(0));
                    }
                }
            }

            foreach (var key in keys)
            {
                yield return key;
            }

            if (keys.Count < BatchSize)
            {
                yield break;
            }

            last = keys[^1];
        }
    }

    /// <inheritdoc />
    public async ValueTask<SourceRecord<T>?> GetAsync(JobId job, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var command = _dataSource.CreateCommand(_sql.Lookup).WithKey(key);
        await using (command.ConfigureAwait(false))
        {
            var records = await ReadAsync(command, cancellationToken).ConfigureAwait(false);
            return records.Count == 0 ? null : records[0];
        }
    }

    private async ValueTask<List<SourceRecord<T>>> ReadRowsAsync(NpgsqlConnection connection, DateTimeOffset before, Cursor? after, int limit, CancellationToken cancellationToken)
    {
        var command = after switch
        {
            null => new NpgsqlCommand(_sql.ReadFromStart, connection).With(before.UtcDateTime),
            { Timestamp: null } => throw new ArgumentException($"The cursor {after} has no time, so it is not a position of a table source.", nameof(after)),
            { Id.Length: 0, Timestamp: { } at } => new NpgsqlCommand(_sql.ReadFromInstant, connection).With(before.UtcDateTime).With(at.UtcDateTime),
            { Timestamp: { } at } => new NpgsqlCommand(_sql.ReadAfter, connection).With(before.UtcDateTime).With(at.UtcDateTime).WithKey(after.Id),
        };
        await using (command.ConfigureAwait(false))
        {
            return await ReadAsync(command.With(limit), cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<List<SourceRecord<T>>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var records = new List<SourceRecord<T>>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var keyAt = reader.FieldCount - 2;
            var changedAt = reader.FieldCount - 1;
            if (reader.GetDataTypeName(changedAt) != "timestamp with time zone")
            {
                throw new SyncException(
                    ErrorClass.Permanent,
                    $"The change-time column of the table source is {reader.GetDataTypeName(changedAt)}, not timestamp with time zone: its values cannot be compared with the database's horizon.");
            }

            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = reader.GetString(keyAt);
                records.Add(new SourceRecord<T>(key, Cursor.At(reader.GetFieldValue<DateTimeOffset>(changedAt), key), _map(reader)));
            }
        }

        return records;
    }
}
