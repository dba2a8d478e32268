namespace SyncKit.AspNetCore.Internal.Html;

/// <summary>The overview's note on how long history is kept and what the latest purge deleted.</summary>
internal static class RetentionHtml
{
    public static void Write(HtmlWriter html, RetentionView retention)
    {
        html.Write($"<p id=\"retention\" class=\"muted\">History kept: runs {Kept(retention.Runs)}, audit entries {Kept(retention.Audit)}, dedup keys {Kept(retention.Dedup)}. ");
        if (!retention.Enabled)
        {
            html.Write($"The host does not purge (retention is off).");
        }
        else if (retention.LastPass is not { } pass)
        {
            html.Write($"No purge has run in this process yet; one runs every {Formats.Duration(retention.Interval)}.");
        }
        else if (pass.Error is { } error)
        {
            html.Write($"The latest purge, at {Formats.Time(pass.StartedAt)}, stopped after deleting {pass.Runs} run(s), {pass.AuditEntries} audit entries and {pass.DedupKeys} dedup key(s): {error}");
        }
        else
        {
            html.Write($"The latest purge, at {Formats.Time(pass.StartedAt)}, deleted {pass.Runs} run(s), {pass.AuditEntries} audit entries and {pass.DedupKeys} dedup key(s).");
        }

        html.Write($"</p>");
    }

    private static string Kept(TimeSpan? limit) => limit is { } span ? Formats.Duration(span) : "for ever";
}
