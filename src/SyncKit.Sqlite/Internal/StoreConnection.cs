using Microsoft.Data.Sqlite;

namespace SyncKit.Sqlite.Internal;

/// <summary>
/// One open connection of the store with its prepared commands: each SQL text is prepared once per
/// connection and reused, so a hot path (a checkpoint commit, a dedup batch) costs no parsing.
/// </summary>
internal sealed class StoreConnection(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteConnection Connection { get; } = connection;

    /// <summary>The open write transaction, if any; every command runs in it.</summary>
    public SqliteTransaction? Transaction { get; private set; }

    /// <summary>Returns the prepared command for <paramref name="sql"/>, bound to the current transaction.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Transaction = Transaction;
        return command;
    }

    /// <summary>Starts a write transaction with <c>BEGIN IMMEDIATE</c>, taking the database's write lock at once.</summary>
    public SqliteTransaction Begin()
    {
        Transaction = Connection.BeginTransaction(deferred: false);
        return Transaction;
    }

    public void Commit()
    {
        var transaction = Transaction ?? throw new InvalidOperationException("No transaction is open.");
        Transaction = null;
        using (transaction)
        {
            transaction.Commit();
        }
    }

    public void Rollback()
    {
        var transaction = Transaction;
        Transaction = null;
        transaction?.Dispose();
    }

    public void Dispose()
    {
        Rollback();
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        Connection.Dispose();
    }
}

/// <summary>Binds parameters of a reused command by name, creating each parameter once.</summary>
internal static class SqliteCommandExtensions
{
    public static SqliteCommand Bind(this SqliteCommand command, string name, object? value)
    {
        var parameters = command.Parameters;
        var index = parameters.IndexOf(name);
        if (index < 0)
        {
            parameters.Add(new SqliteParameter(name, value ?? DBNull.Value));
        }
        else
        {
            parameters[index].Value = value ?? DBNull.Value;
        }

        return command;
    }
}
