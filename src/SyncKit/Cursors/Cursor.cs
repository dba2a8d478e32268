using System.Globalization;

namespace SyncKit;

/// <summary>
/// A position in a source's change stream.
/// </summary>
/// <remarks>
/// <para>
/// The common case is the composite <c>(updated_at, id)</c> cursor: <see cref="Timestamp"/> plus
/// <see cref="Id"/> as the tie-breaker, so thousands of records sharing one timestamp are neither
/// lost nor read twice. Ids are ordered by <see cref="CompareIds"/>: all-digit ids by numeric value,
/// before any other id, which compare ordinally; a source must order ties the same way.
/// </para>
/// <para>
/// Sources with other positions plug in through the same type: a sequence number or opaque token
/// goes in <see cref="Id"/> with no <see cref="Timestamp"/>, and a source whose list order is not
/// guaranteed can keep a window's lower bound in <see cref="Timestamp"/> and how far into the window
/// the run got in <see cref="Progress"/>, so a crash resumes mid-window.
/// </para>
/// </remarks>
/// <param name="Timestamp">The change time, when the source has one; used for lookback and lag.</param>
/// <param name="Id">The tie-breaker within one timestamp, or the whole position for non-temporal sources.</param>
/// <param name="Progress">Optional source-defined resume state inside the position (for example an offset inside a window).</param>
public sealed record Cursor(DateTimeOffset? Timestamp, string Id, string? Progress = null) : IComparable<Cursor>
{
    private static readonly TimeSpan RewindSlack = TimeSpan.FromSeconds(1);

    /// <summary>Creates an <c>(updated_at, id)</c> cursor.</summary>
    /// <param name="timestamp">The record's change time.</param>
    /// <param name="id">The record's id, ordering records that share <paramref name="timestamp"/>.</param>
    /// <returns>The cursor.</returns>
    public static Cursor At(DateTimeOffset timestamp, string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return new Cursor(timestamp, id);
    }

    /// <summary>Creates a cursor for a source positioned by a sequence number.</summary>
    /// <param name="sequence">The sequence number.</param>
    /// <returns>The cursor.</returns>
    public static Cursor FromSequence(long sequence) =>
        new(null, sequence.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Returns the cursor a run starts from when it may re-read <paramref name="lookback"/> before this
    /// position (the safety gap that catches late arrivals). Cursors without a timestamp, cursors with
    /// <see cref="Progress"/>, and a zero lookback return this cursor unchanged.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The rewound cursor has the shape of any other position of the source: this cursor's <see cref="Id"/> at an
    /// instant one second further back than the lookback. A source reads strictly after it as after any other
    /// cursor (parsing the id as its own, say), and every record stamped at or after <c>Timestamp − lookback</c> is
    /// re-read, whether the source compares times to the tick, the microsecond or the second.
    /// </para>
    /// <para>
    /// A cursor with <see cref="Progress"/> is a position inside a window that its source opened with the
    /// safety gap already applied (see <see cref="SourceReadContext.Lookback"/>); rewinding it would throw
    /// away how far into the window the run got, so a crash would restart the whole window.
    /// </para>
    /// </remarks>
    /// <param name="lookback">How far to rewind; must not be negative.</param>
    /// <returns>A cursor before every record whose timestamp is at or after the rewound instant.</returns>
    public Cursor Rewind(TimeSpan lookback)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lookback, TimeSpan.Zero);
        if (Timestamp is not { } timestamp || lookback == TimeSpan.Zero || Progress is not null)
        {
            return this;
        }

        // The id says where inside its instant the cursor is, so it can hide records stamped at that instant: the
        // extra second puts that instant outside the lookback, even for a source that rounds times to seconds.
        return this with { Timestamp = timestamp - lookback - RewindSlack };
    }

    /// <summary>Orders cursors by timestamp (absent first), then id, then progress.</summary>
    /// <param name="other">The cursor to compare with.</param>
    /// <returns>Negative, zero or positive.</returns>
    public int CompareTo(Cursor? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byTime = Nullable.Compare(Timestamp, other.Timestamp);
        if (byTime != 0)
        {
            return byTime;
        }

        var byId = CompareIds(Id, other.Id);
        return byId != 0 ? byId : string.CompareOrdinal(Progress, other.Progress);
    }

    /// <summary>Compares two ids the way <see cref="CompareTo"/> does.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns>Negative, zero or positive; zero only for equal ids.</returns>
    /// <remarks>
    /// The empty id comes first; then ids made only of digits, by numeric value of
    /// any length (<c>9</c> before <c>10</c>), equal values by their text (<c>007</c> before <c>7</c>); then every
    /// other id, ordinally. Ranking the kinds first keeps the order transitive when a source mixes them
    /// (<c>2</c> &lt; <c>10</c> &lt; <c>1a</c>), and only equal ids compare equal, so no two records share a position.
    /// </remarks>
    public static int CompareIds(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var kind = KindOf(left);
        var byKind = kind.CompareTo(KindOf(right));
        if (byKind != 0)
        {
            return byKind;
        }

        if (kind == IdKind.Numeric)
        {
            var trimmedLeft = left.AsSpan().TrimStart('0');
            var trimmedRight = right.AsSpan().TrimStart('0');
            var byValue = trimmedLeft.Length != trimmedRight.Length
                ? trimmedLeft.Length.CompareTo(trimmedRight.Length)
                : trimmedLeft.SequenceCompareTo(trimmedRight);
            if (byValue != 0)
            {
                return byValue;
            }
        }

        return string.CompareOrdinal(left, right);
    }

    /// <summary>Returns a readable form such as <c>2026-01-01T00:00:00.0000000+00:00#42</c>.</summary>
    public override string ToString()
    {
        var time = Timestamp?.ToString("O", CultureInfo.InvariantCulture) ?? "-";
        return Progress is null ? $"{time}#{Id}" : $"{time}#{Id}@{Progress}";
    }

    private static IdKind KindOf(string id) =>
        id.Length == 0 ? IdKind.Empty : id.AsSpan().ContainsAnyExceptInRange('0', '9') ? IdKind.Text : IdKind.Numeric;

    /// <summary>The kinds of id, in the order they sort.</summary>
    private enum IdKind
    {
        Empty,
        Numeric,
        Text,
    }
}
