using Npgsql;
using NpgsqlTypes;

namespace SyncKit.Postgres.Internal;

/// <summary>Where a store operation runs: on its own pooled connection (committed at once) or inside an open transaction.</summary>
internal abstract class CommandScope
{
    public abstract ValueTask<NpgsqlCommand> CommandAsync(string sql, CancellationToken cancellationToken);

    /// <summary>
    /// Runs several commands as one transaction, so rows they lock stay locked until it ends: inside the open
    /// transaction, or in a transaction of their own that commits when <paramref name="work"/> returns.
    /// </summary>
    public abstract ValueTask<TResult> InTransactionAsync<TResult>(Func<CommandScope, ValueTask<TResult>> work, CancellationToken cancellationToken);
}

/// <summary>Each command borrows a pooled connection and commits on its own.</summary>
internal sealed class AutoCommitScope(PostgresDatabase database) : CommandScope
{
    public override async ValueTask<NpgsqlCommand> CommandAsync(string sql, CancellationToken cancellationToken)
    {
        await database.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return database.DataSource.CreateCommand(sql);
    }

    public override async ValueTask<TResult> InTransactionAsync<TResult>(Func<CommandScope, ValueTask<TResult>> work, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var result = await work(new TransactionScope(connection, transaction)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
        }
    }
}

/// <summary>Commands run in an open transaction and commit with it.</summary>
internal sealed class TransactionScope(NpgsqlConnection connection, NpgsqlTransaction transaction) : CommandScope
{
    public override ValueTask<NpgsqlCommand> CommandAsync(string sql, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new NpgsqlCommand(sql, connection, transaction));

    public override ValueTask<TResult> InTransactionAsync<TResult>(Func<CommandScope, ValueTask<TResult>> work, CancellationToken cancellationToken) =>
        work(this);
}

/// <summary>Binds positional parameters.</summary>
internal static class ParameterExtensions
{
    public static NpgsqlCommand With(this NpgsqlCommand command, object? value)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }

    /// <summary>Binds a key as text of no declared type, so the server reads it as the key column's own type.</summary>
    public static NpgsqlCommand WithKey(this NpgsqlCommand command, string key)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = key, NpgsqlDbType = NpgsqlDbType.Unknown });
        return command;
    }

    public static NpgsqlBatchCommand With(this NpgsqlBatchCommand command, object? value)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }

    /// <summary>Binds the parameters every fenced statement starts with: the job, and the lease it commits under.</summary>
    public static NpgsqlBatchCommand Fencing(this NpgsqlBatchCommand command, JobId job, LeaseRegistry.Fence fence) =>
        command.With(job.Tenant).With(job.Stream).With(fence.Owner).With(fence.Token);

    /// <summary>A time for a <c>timestamptz</c> column, which Npgsql accepts only in UTC.</summary>
    public static DateTime Utc(this DateTimeOffset value) => value.UtcDateTime;

    public static DateTime? Utc(this DateTimeOffset? value) => value?.UtcDateTime;
}
