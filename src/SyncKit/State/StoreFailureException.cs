namespace SyncKit;

/// <summary>What is wrong with a database that no retry can mend.</summary>
public enum StoreFailureKind
{
    /// <summary>The database is damaged (a corrupt page, a file that is not a database).</summary>
    Corrupt,

    /// <summary>The disk (or the database's quota) is full.</summary>
    Full,

    /// <summary>The database, or its file, takes no writes.</summary>
    ReadOnly,
}

/// <summary>
/// The database under a state store, or under a destination that writes in the store's transactions, is damaged,
/// full or read-only: a <see cref="ErrorClass.Permanent"/> failure of the store, not of a record. A batch that
/// fails with it stops the job, keeping this message as the run's error: nothing is retried, split or
/// dead-lettered (the dead-letter queue lives in the same database), and the checkpoint stays where it was.
/// The store packages make it from their drivers' errors (<c>SqliteStoreFailures</c>, <c>PostgresStoreFailures</c>).
/// </summary>
public sealed class StoreFailureException : SyncException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">What is wrong with the database.</param>
    /// <param name="message">What is wrong and what an operator can do about it.</param>
    /// <param name="innerException">The driver's error.</param>
    public StoreFailureException(StoreFailureKind kind, string message, Exception? innerException = null)
        : base(ErrorClass.Permanent, message, null, innerException)
    {
        Kind = kind;
    }

    /// <summary>What is wrong with the database.</summary>
    public StoreFailureKind Kind { get; }

    /// <summary>The store failure in <paramref name="exception"/>'s chain of inner exceptions, if there is one.</summary>
    /// <param name="exception">A failure.</param>
    /// <returns>The store failure, or <see langword="null"/>.</returns>
    public static StoreFailureException? Find(Exception? exception) => Find<StoreFailureException>(exception, _ => null);

    /// <summary>
    /// The store failure in <paramref name="exception"/>'s chain of inner exceptions, or the first one
    /// <paramref name="translate"/> makes from a database driver's error in it: how a store package tells its
    /// driver's errors that no retry can mend.
    /// </summary>
    /// <typeparam name="TError">The driver's exception type.</typeparam>
    /// <param name="exception">A failure.</param>
    /// <param name="translate">Makes a store failure of a driver's error, or returns <see langword="null"/> for one that is not.</param>
    /// <returns>The store failure, or <see langword="null"/>.</returns>
    public static StoreFailureException? Find<TError>(Exception? exception, Func<TError, StoreFailureException?> translate)
        where TError : Exception
    {
        ArgumentNullException.ThrowIfNull(translate);
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is StoreFailureException failure)
            {
                return failure;
            }

            if (e is TError error && translate(error) is { } translated)
            {
                return translated;
            }
        }

        return null;
    }
}
