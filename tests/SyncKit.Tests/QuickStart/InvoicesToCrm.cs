using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace SyncKit.Tests.QuickStart;

#region quickstart
public sealed record Invoice(long Id, string Customer, decimal Amount, DateTimeOffset UpdatedAt);

// Reads invoices changed after the cursor, oldest first; ties on updated_at are ordered by id.
public sealed class InvoiceSource(BillingDatabase billing) : ISource<Invoice>
{
    public async ValueTask<SourcePage<Invoice>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken ct)
    {
        var rows = await billing.ChangedAfterAsync(after?.Timestamp, after?.Id, limit: context.PageSize + 1, ct);
        var page = rows.Take(context.PageSize)
            .Select(i => new SourceRecord<Invoice>($"{i.Id}", Cursor.At(i.UpdatedAt, $"{i.Id}"), i))
            .ToList();
        return new SourcePage<Invoice>(page, HasMore: rows.Count > context.PageSize);
    }
}

// Upserts by billing_invoice_id; the CRM skips a write older than what it holds.
public sealed class CrmDestination(CrmDatabase crm) : IDestination<Invoice>
{
    public async ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<Invoice> batch, CancellationToken ct)
    {
        var outcomes = new List<RecordOutcome>();
        foreach (var invoice in batch.Records.Select(r => r.Value))
        {
            var written = await crm.UpsertAsync(billingInvoiceId: invoice.Id, invoice, ct);
            outcomes.Add(written ? RecordOutcome.Written : RecordOutcome.Skipped);
        }

        return outcomes;
    }
}

public static class InvoiceSync
{
    public static IServiceCollection AddInvoiceSync(this IServiceCollection services) =>
        services.AddSyncKit(kit => kit.AddJob<Invoice>("invoices", job => job
            .ForTenants("acme")
            .UseSource((sp, tenant) => new InvoiceSource(sp.GetRequiredService<BillingDatabase>()))
            .UseDestination((sp, tenant) => new CrmDestination(sp.GetRequiredService<CrmDatabase>()))
            .Configure(o =>
            {
                o.Lookback = TimeSpan.FromMinutes(5); // a guess at how late changes show up (a SQL table: see below)
                o.Schedule = "0 2 * * *";             // nightly at 02:00 ...
                o.ScheduleTimeZone = "Europe/Berlin"; // ... Berlin time
            }))).Services;
}
#endregion

/// <summary>The billing system's invoices table, in memory.</summary>
public sealed class BillingDatabase
{
    private readonly ConcurrentDictionary<long, Invoice> _invoices = new();

    public void Save(Invoice invoice) => _invoices[invoice.Id] = invoice;

    public Task<IReadOnlyList<Invoice>> ChangedAfterAsync(DateTimeOffset? updatedAt, string? id, int limit, CancellationToken ct)
    {
        // Written as a reader would: every cursor the engine passes, a rewound one included, carries a real id.
        var afterId = id is null ? long.MinValue : long.Parse(id, System.Globalization.CultureInfo.InvariantCulture);
        IReadOnlyList<Invoice> rows = _invoices.Values
            .Where(i => updatedAt is null || i.UpdatedAt > updatedAt || (i.UpdatedAt == updatedAt && i.Id > afterId))
            .OrderBy(i => i.UpdatedAt).ThenBy(i => i.Id)
            .Take(limit)
            .ToList();
        return Task.FromResult(rows);
    }
}

/// <summary>The CRM's invoices, keyed by billing_invoice_id, in memory.</summary>
public sealed class CrmDatabase
{
    private readonly Dictionary<long, Invoice> _rows = [];

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

    public Task<bool> UpsertAsync(long billingInvoiceId, Invoice invoice, CancellationToken ct)
    {
        lock (_rows)
        {
            if (_rows.TryGetValue(billingInvoiceId, out var existing) && existing.UpdatedAt >= invoice.UpdatedAt)
            {
                return Task.FromResult(false);
            }

            _rows[billingInvoiceId] = invoice;
            return Task.FromResult(true);
        }
    }
}
