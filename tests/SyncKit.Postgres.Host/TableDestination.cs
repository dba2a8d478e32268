using Npgsql;

namespace SyncKit.Postgres.Host;

/// <summary>
/// A destination table in the state store's database, written inside the state transaction so rows and
/// checkpoint commit together. Every write of a row counts in <c>write_count</c> (so "exactly once" is
/// checkable), and every committed batch leaves a line in <c>commits</c> with the fencing token it ran under.
/// </summary>
public sealed class TableDestination(string schema, string owner, long fencingToken) : IDestination<NumberedRow>
{
    public bool WritesInStateTransaction => true;

    public static async Task CreateTablesAsync(NpgsqlDataSource dataSource, string schema)
    {
        await using var command = dataSource.CreateCommand($"""
            CREATE TABLE IF NOT EXISTS "{schema}".dest (
                tenant text NOT NULL, stream text NOT NULL, number bigint NOT NULL, write_count integer NOT NULL,
                PRIMARY KEY (tenant, stream, number));
            CREATE TABLE IF NOT EXISTS "{schema}".commits (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tenant text NOT NULL, stream text NOT NULL,
                owner text NOT NULL, fencing_token bigint NOT NULL, first_number bigint NOT NULL, last_number bigint NOT NULL,
                at timestamptz NOT NULL DEFAULT clock_timestamp());
            """);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<NumberedRow> batch, CancellationToken cancellationToken)
    {
        var transaction = (NpgsqlTransaction)batch.Transaction!.DbTransaction!;
        var numbers = batch.Records.Select(r => r.Value.Number).ToArray();
        await using var command = new NpgsqlBatch(transaction.Connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"""
                    INSERT INTO "{schema}".dest (tenant, stream, number, write_count) SELECT $1, $2, n, 1 FROM unnest($3::bigint[]) AS n
                    ON CONFLICT (tenant, stream, number) DO UPDATE SET write_count = dest.write_count + 1
                    """)
                {
                    Parameters = { new() { Value = batch.Job.Tenant }, new() { Value = batch.Job.Stream }, new() { Value = numbers } },
                },
                new NpgsqlBatchCommand($"""
                    INSERT INTO "{schema}".commits (tenant, stream, owner, fencing_token, first_number, last_number) VALUES ($1, $2, $3, $4, $5, $6)
                    """)
                {
                    Parameters =
                    {
                        new() { Value = batch.Job.Tenant }, new() { Value = batch.Job.Stream }, new() { Value = owner },
                        new() { Value = fencingToken }, new() { Value = numbers.Min() }, new() { Value = numbers.Max() },
                    },
                },
            },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
        return [.. batch.Records.Select(_ => RecordOutcome.Written)];
    }
}
