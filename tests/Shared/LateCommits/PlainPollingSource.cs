using Npgsql;

namespace SyncKit.TestPostgres.LateCommits;

/// <summary>
/// The polling source a team writes by hand: invoices changed after the cursor, by <c>(updated_at, id)</c>, up to
/// whatever is visible. With a lookback the engine rewinds its cursor; nothing else guards against late commits.
/// </summary>
public sealed class PlainPollingSource(NpgsqlDataSource database) : ISource<Invoice>
{
    /// <inheritdoc />
    public async ValueTask<SourcePage<Invoice>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        await using var command = after is null
            ? database.CreateCommand("SELECT id, version, amount, updated_at FROM invoices ORDER BY updated_at, id LIMIT $1")
            : database.CreateCommand("SELECT id, version, amount, updated_at FROM invoices WHERE (updated_at, id) > ($2, $3) ORDER BY updated_at, id LIMIT $1");
        command.Parameters.Add(new NpgsqlParameter { Value = context.PageSize + 1 });
        if (after is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = after.Timestamp!.Value.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter { Value = long.Parse(after.Id, System.Globalization.CultureInfo.InvariantCulture) });
        }

        var records = new List<SourceRecord<Invoice>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var invoice = Invoice.Map(reader);
            var key = invoice.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            records.Add(new SourceRecord<Invoice>(key, Cursor.At(invoice.UpdatedAt, key), invoice));
        }

        var more = records.Count > context.PageSize;
        return new SourcePage<Invoice>(more ? records[..context.PageSize] : records, more);
    }
}
