namespace SyncKit.AspNetCore.Internal.Html;

/// <summary>The frame every page shares: title, navigation and the inline style sheet (nothing is loaded from elsewhere).</summary>
internal static class Layout
{
    /// <summary>The pages' only style sheet, inline; the Content-Security-Policy admits it by its hash (<see cref="SecurityHeaders"/>).</summary>
    public const string Style = """
        :root{--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:15px;color:#1f2328}
        body{margin:0}header{background:#24292f;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.5rem;align-items:center}
        header a{color:#fff;text-decoration:none}header .brand{font-weight:700}nav ul{display:flex;gap:1rem;list-style:none;margin:0;padding:0}
        main{padding:1rem 1.2rem;max-width:1200px}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.8rem;border-bottom:1px solid var(--line);padding-bottom:.3rem}
        table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
        th{background:var(--bg);font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        code{font-family:ui-monospace,SFMono-Regular,Consolas,monospace;font-size:.85em;word-break:break-word}td.nowrap{white-space:nowrap}
        .status{display:inline-block;padding:.05rem .5rem;border-radius:1rem;font-size:.85em;font-weight:600;color:#fff}
        .status-healthy,.outcome-succeeded{background:var(--ok)}.status-degraded,.outcome-completedwithdeadletters,.outcome-completedwithunrepairedgaps,.outcome-cancelled,.outcome-running{background:var(--warn)}
        .status-stalled,.outcome-failed,.outcome-stopped{background:var(--bad)}.muted{color:var(--muted)}
        .notice{background:#ddf4ff;border:1px solid #54aeff;padding:.5rem .8rem;border-radius:6px}.error{background:#ffebe9;border-color:var(--bad)}
        form.inline{display:inline}button{font:inherit;padding:.2rem .7rem;border-radius:6px;border:1px solid var(--line);background:var(--bg);cursor:pointer}
        button.danger{color:var(--bad)}fieldset{border:1px solid var(--line);border-radius:6px;margin:.5rem 0}label{display:inline-block;margin:.3rem .8rem .3rem 0}
        figure.chart{margin:.5rem 0 1rem}svg.lag-chart{background:#fff;border:1px solid var(--line);max-width:100%;height:auto}
        svg .axis{stroke:#8c959f}svg .limit{stroke:var(--bad);stroke-dasharray:4 4}svg .lag{fill:none;stroke:#0969da;stroke-width:2}
        svg .point{fill:#0969da}svg .point.failed{fill:var(--bad)}svg text{font-size:11px;fill:var(--muted)}
        ul.reasons{margin:.2rem 0;padding-left:1.1rem;font-size:.9em}dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:600}dd{margin:0}
        """;

    public static string Page(string title, string heading, Links links, Action<HtmlWriter> body)
    {
        var html = new HtmlWriter();
        html.Write($"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{heading} · {title}</title><style>{new Markup(Style)}</style></head>
            <body><header><a class="brand" href="{links.Overview}">{title}</a>
            <nav aria-label="Main"><ul><li><a href="{links.Overview}">Overview</a></li><li><a href="{links.DeadLetters()}">Dead letters</a></li><li><a href="{links.Replay()}">Replay</a></li></ul></nav></header>
            <main><h1>{heading}</h1>
            """);
        body(html);
        html.Write($"</main></body></html>");
        return html.ToString();
    }

    public static Markup Status(JobHealthStatus status) =>
        Badge("status-" + status.ToString().ToLowerInvariant(), status.ToString());

    public static Markup Outcome(RunOutcome outcome) =>
        Badge("outcome-" + outcome.ToString().ToLowerInvariant(), outcome.ToString());

    public static Markup Token(Microsoft.AspNetCore.Antiforgery.AntiforgeryTokenSet tokens)
    {
        var html = new HtmlWriter();
        html.Write($"<input type=\"hidden\" name=\"{tokens.FormFieldName}\" value=\"{tokens.RequestToken}\">");
        return new Markup(html.ToString());
    }

    private static Markup Badge(string cssClass, string text)
    {
        var html = new HtmlWriter();
        html.Write($"<span class=\"status {cssClass}\">{text}</span>");
        return new Markup(html.ToString());
    }
}
