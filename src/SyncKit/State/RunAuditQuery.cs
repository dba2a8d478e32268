namespace SyncKit;

/// <summary>Asks for one page of a run's audit trail.</summary>
/// <param name="RunId">The run.</param>
public sealed record RunAuditQuery(string RunId)
{
    private readonly int _limit = 1_000;

    /// <summary>
    /// Where the page starts: the <see cref="RunAuditPage.Next"/> of the page before, or <see langword="null"/> for the
    /// first page. The value is the store's own and means nothing elsewhere.
    /// </summary>
    /// <value>Default <see langword="null"/>.</value>
    public long? After { get; init; }

    /// <summary>At most this many entries, from 1 to 100,000: a page is held in memory whole.</summary>
    /// <value>Default 1,000.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 100,000.</exception>
    public int Limit
    {
        get => _limit;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 100_000);
            _limit = value;
        }
    }
}
