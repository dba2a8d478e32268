using System.Globalization;

namespace SyncKit.Samples.Vomo.Connector.Internal;

/// <summary>
/// Where a run is inside a window, and how that is written into a <see cref="Cursor"/> so the engine can commit it.
/// </summary>
/// <remarks>
/// <para>
/// The cursor's <see cref="Cursor.Timestamp"/> is the window's <em>anchor</em>: the newest timestamp of the last
/// completed window (the window itself reads from anchor − lookback). <see cref="Cursor.Progress"/> says how far
/// the run got, in fixed-width fields so it orders ordinally in read order:
/// </para>
/// <list type="bullet">
/// <item><c>WWWWWWWWWW</c> — window W opens here: nothing of it is read yet.</item>
/// <item><c>WWWWWWWWWW.PPP.NNNNNNN</c> — pass P of window W has finished page N.</item>
/// <item><c>WWWWWWWWWW.PPP.NNNNNNN.III</c> — the record at index I of that page (resuming re-reads the page).</item>
/// </list>
/// <para>
/// A completed window's checkpoint is "window W+1 opens at the newest timestamp", which orders after every
/// position of window W even when no newer timestamp was seen, because the window number grows.
/// </para>
/// </remarks>
internal readonly record struct WindowPosition(DateTimeOffset? Anchor, long Window, int Pass, int Page)
{
    /// <summary>Reads where to continue from the cursor the engine passes (the checkpoint, or the last page's continuation).</summary>
    /// <returns>The position, and whether it resumes part-way through a pass.</returns>
    public static (WindowPosition Position, bool MidPass) Parse(Cursor? after)
    {
        if (after?.Progress is not { } progress)
        {
            // No checkpoint, or a plain timestamp an operator set: open window 0 there.
            return (new WindowPosition(after?.Timestamp, 0, 1, 1), false);
        }

        var parts = progress.Split('.');
        if (parts.Length is >= 1 and <= 4 && parts.All(p => p.Length > 0 && !p.AsSpan().ContainsAnyExceptInRange('0', '9'))
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var window))
        {
            var numbers = parts.Skip(1).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            switch (numbers.Length)
            {
                case 0:
                    return (new WindowPosition(after.Timestamp, window, 1, 1), false);
                case 2:
                    return (new WindowPosition(after.Timestamp, window, numbers[0], numbers[1] + 1), true);
                case 3:
                    return (new WindowPosition(after.Timestamp, window, numbers[0], numbers[1]), numbers[1] > 1);
            }
        }

        throw new SyncException(ErrorClass.Permanent, $"The checkpoint '{after}' is not a VOMO window position; reset it to a timestamp to start over from there.");
    }

    /// <summary>The cursor that opens window <paramref name="window"/> at <paramref name="anchor"/>.</summary>
    public static Cursor Opening(DateTimeOffset? anchor, long window) =>
        new(anchor, string.Empty, window.ToString("D10", CultureInfo.InvariantCulture));

    /// <summary>The cursor of this window's opening.</summary>
    public Cursor Opening() => Opening(Anchor, Window);

    /// <summary>The cursor after page <paramref name="page"/> of pass <paramref name="pass"/> is done.</summary>
    public Cursor AfterPage(int pass, int page) =>
        new(Anchor, string.Empty, string.Create(CultureInfo.InvariantCulture, $"{Window:D10}.{pass:D3}.{page:D7}"));

    /// <summary>The cursor of the record at <paramref name="index"/> of page <paramref name="page"/> of pass <paramref name="pass"/>.</summary>
    public Cursor Record(int pass, int page, int index) =>
        new(Anchor, string.Empty, string.Create(CultureInfo.InvariantCulture, $"{Window:D10}.{pass:D3}.{page:D7}.{index:D3}"));
}
