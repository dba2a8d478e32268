using System.Globalization;

namespace SyncKit.Postgres.Host;

/// <summary>One number of a job's stream.</summary>
/// <param name="Number">1, 2, 3, ...</param>
public sealed record NumberedRow(long Number);

/// <summary>
/// A deterministic source: records 1..<paramref name="count"/> at one second apart, the same in every process,
/// so several hosts (and restarts) read the same stream. Each page waits <paramref name="pageDelay"/>, which
/// stands in for a remote call and keeps a run long enough to be interrupted.
/// </summary>
public sealed class NumberedSource(long count, TimeSpan pageDelay) : ISource<NumberedRow>
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Cursor PositionOf(long number) =>
        Cursor.At(T0.AddSeconds(number), number.ToString("D9", CultureInfo.InvariantCulture));

    public async ValueTask<SourcePage<NumberedRow>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        if (pageDelay > TimeSpan.Zero)
        {
            await Task.Delay(pageDelay, cancellationToken);
        }

        var first = after is null ? 1 : long.Parse(after.Id, CultureInfo.InvariantCulture) + 1;
        var last = Math.Min(count, first + context.PageSize - 1);
        var records = new List<SourceRecord<NumberedRow>>();
        for (var n = first; n <= last; n++)
        {
            records.Add(new SourceRecord<NumberedRow>(n.ToString(CultureInfo.InvariantCulture), PositionOf(n), new NumberedRow(n)));
        }

        return new SourcePage<NumberedRow>(records, last < count);
    }
}
