using System.Data.Common;
using System.Globalization;
using System.Text.Json;

namespace SyncKit.Samples.Vomo.Crm.Internal;

/// <summary>
/// <c>vomo_welcomes</c>, the webhook's outbox on either database: a row per welcome, written due in its batch's
/// transaction and marked sent (or rejected) by <see cref="WelcomeRelay"/>. A row is kept once sent, so a batch that
/// reads the user again finds it and never makes the welcome due a second time. <c>started</c> counts the posts
/// begun (committed before each post) and <c>attempts</c> those that ended (committed with their outcome): a sent
/// welcome with more started than ended was cut short by a crash once, so it may have been posted twice.
/// </summary>
internal sealed class WelcomeLedger(CrmDialect dialect, TimeProvider time)
{
    private const string Due = "sent_at IS NULL AND rejected_at IS NULL";
    private const string EmptyBody = "{}";

    /// <summary>Makes each welcome due, unless the ledger already holds it (due, sent or rejected).</summary>
    public async Task RecordDueAsync(DbTransaction transaction, IEnumerable<WelcomeNotification> welcomes, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var welcome in welcomes)
        {
            await dialect.InsertWelcomeAsync(transaction, "vomo_welcomes", "due_at", welcome, now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The keys of a tenant's due welcomes, oldest first.</summary>
    public async Task<List<string>> DueAsync(DbConnection connection, string tenant, int limit, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT idempotency_key FROM vomo_welcomes WHERE tenant = @tenant AND {Due} ORDER BY due_at, idempotency_key LIMIT {limit}";
        CrmDialect.Add(select, "@tenant", tenant);
        var keys = new List<string>(limit);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    /// <summary>Notes, in a commit of its own, that a post of a due welcome begins; answers whether it is still due.</summary>
    public async Task<bool> StartAsync(DbConnection connection, string key, CancellationToken cancellationToken)
    {
        await using var update = connection.CreateCommand();
        update.CommandText = $"UPDATE vomo_welcomes SET started = started + 1 WHERE idempotency_key = @key AND {Due}";
        CrmDialect.Add(update, "@key", key);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Takes a due welcome for <paramref name="transaction"/> until it ends, or answers <see langword="null"/> when it
    /// is no longer due or another transaction holds it.
    /// </summary>
    public async Task<WelcomeNotification?> ClaimAsync(DbTransaction transaction, string key, CancellationToken cancellationToken)
    {
        await using var select = CrmDialect.Command(transaction, $"SELECT payload FROM vomo_welcomes WHERE idempotency_key = @key AND {Due}{dialect.LockRow}");
        CrmDialect.Add(select, "@key", key);
        return await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string payload
            ? JsonSerializer.Deserialize(payload, CrmJsonContext.Default.WelcomeNotification)
            : null;
    }

    /// <summary>Marks a claimed welcome sent.</summary>
    public Task SentAsync(DbTransaction transaction, string key, CancellationToken cancellationToken) =>
        UpdateAsync(transaction, key, "sent_at = @now, last_error = NULL", null, cancellationToken);

    /// <summary>
    /// Notes a failed delivery; a rejected welcome stays out of delivery until <see cref="RearmAsync"/>. The error is
    /// stored as the core stores its own: without credentials in URLs, control characters or unbounded length.
    /// </summary>
    public Task FailedAsync(DbTransaction transaction, string key, string error, bool rejected, CancellationToken cancellationToken) =>
        UpdateAsync(transaction, key, rejected ? "last_error = @error, rejected_at = @now" : "last_error = @error", ErrorText.Clean(Redact.Urls(error)), cancellationToken);

    /// <summary>
    /// Empties the body of up to <paramref name="limit"/> welcomes sent before <paramref name="before"/>. The row stays:
    /// it is what keeps a user read again from being welcomed again, for as long as the user exists. Only the body,
    /// which nothing reads once the welcome went out, is let go.
    /// </summary>
    /// <returns>How many were emptied; fewer than <paramref name="limit"/> when none is left.</returns>
    public async Task<int> EmptySentAsync(DbConnection connection, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        await using var update = connection.CreateCommand();
        update.CommandText = $"""
            UPDATE vomo_welcomes SET payload = '{EmptyBody}'{dialect.JsonCast}
            WHERE idempotency_key IN (SELECT idempotency_key FROM vomo_welcomes WHERE sent_at < @before AND payload <> '{EmptyBody}'{dialect.JsonCast} LIMIT {limit})
            """;
        dialect.AddTime(update, "@before", before);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes the rejected welcomes of a tenant (or of every tenant) due again.</summary>
    /// <returns>How many.</returns>
    public async Task<int> RearmAsync(DbConnection connection, string? tenant, CancellationToken cancellationToken)
    {
        await using var update = connection.CreateCommand();
        update.CommandText = $"UPDATE vomo_welcomes SET rejected_at = NULL WHERE sent_at IS NULL AND rejected_at IS NOT NULL{TenantFilter(update, tenant)}";
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The welcomes a webhook rejected and no one made due again, oldest first.</summary>
    public async Task<List<RejectedWelcome>> RejectedAsync(DbConnection connection, string? tenant, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = $"""
            SELECT idempotency_key, tenant, attempts, last_error, rejected_at FROM vomo_welcomes
            WHERE sent_at IS NULL AND rejected_at IS NOT NULL{TenantFilter(select, tenant)} ORDER BY rejected_at, idempotency_key
            """;
        var rejected = new List<RejectedWelcome>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rejected.Add(new RejectedWelcome(reader.GetString(0), reader.GetString(1), Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture), reader.GetString(3), CrmDialect.ReadTime(reader, 4)));
        }

        return rejected;
    }

    /// <summary>How many of a tenant's welcomes wait for delivery.</summary>
    public Task<long> CountDueAsync(DbConnection connection, string tenant, CancellationToken cancellationToken) =>
        CountAsync(connection, tenant, Due, cancellationToken);

    /// <summary>How many of a tenant's sent welcomes a crash cut short once, so that they may have been posted twice.</summary>
    public Task<long> CountPossiblyRepeatedAsync(DbConnection connection, string tenant, CancellationToken cancellationToken) =>
        CountAsync(connection, tenant, "sent_at IS NOT NULL AND started > attempts", cancellationToken);

    private static async Task<long> CountAsync(DbConnection connection, string tenant, string condition, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT count(*) FROM vomo_welcomes WHERE tenant = @tenant AND {condition}";
        CrmDialect.Add(select, "@tenant", tenant);
        return Convert.ToInt64(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private async Task UpdateAsync(DbTransaction transaction, string key, string set, string? error, CancellationToken cancellationToken)
    {
        await using var update = CrmDialect.Command(transaction, $"UPDATE vomo_welcomes SET {set}, attempts = attempts + 1 WHERE idempotency_key = @key");
        CrmDialect.Add(update, "@key", key);
        if (set.Contains("@now", StringComparison.Ordinal))
        {
            dialect.AddTime(update, "@now", time.GetUtcNow());
        }

        if (error is not null)
        {
            CrmDialect.Add(update, "@error", error);
        }

        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string TenantFilter(DbCommand command, string? tenant)
    {
        if (tenant is null)
        {
            return string.Empty;
        }

        CrmDialect.Add(command, "@tenant", tenant);
        return " AND tenant = @tenant";
    }
}

/// <summary>A welcome the webhook rejected: the operator's view of it.</summary>
internal sealed record RejectedWelcome(string IdempotencyKey, string Tenant, int Attempts, string LastError, DateTimeOffset RejectedAt);
