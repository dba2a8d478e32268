namespace SyncKit.TestPostgres.LateCommits;

/// <summary>
/// A destination that upserts invoices by id and skips a write stamped older than the row it holds, as a CRM that
/// compares <c>updated_at</c> does: once it holds a version, an older-stamped one never replaces it.
/// </summary>
public sealed class SkipOlderDestination : IDestination<Invoice>
{
    private readonly Dictionary<long, Invoice> _rows = [];

    /// <summary>A copy of the rows held, by id.</summary>
    public IReadOnlyDictionary<long, Invoice> Rows
    {
        get
        {
            lock (_rows)
            {
                return new Dictionary<long, Invoice>(_rows);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<Invoice> batch, CancellationToken cancellationToken)
    {
        var outcomes = new RecordOutcome[batch.Records.Count];
        lock (_rows)
        {
            for (var i = 0; i < outcomes.Length; i++)
            {
                var invoice = batch.Records[i].Value;
                var older = _rows.TryGetValue(invoice.Id, out var held) && held.UpdatedAt > invoice.UpdatedAt;
                if (!older)
                {
                    _rows[invoice.Id] = invoice;
                }

                outcomes[i] = older ? RecordOutcome.Skipped : RecordOutcome.Written;
            }
        }

        return ValueTask.FromResult<IReadOnlyList<RecordOutcome>>(outcomes);
    }
}
