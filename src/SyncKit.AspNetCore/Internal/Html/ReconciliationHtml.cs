using Microsoft.AspNetCore.Antiforgery;

namespace SyncKit.AspNetCore.Internal.Html;

/// <summary>
/// What the pages show of reconciliation: recent passes' reports, one pass's report with a force repair of the gaps
/// it left unrepaired, and the forms that run a pass now.
/// </summary>
internal static class ReconciliationHtml
{
    public static void WriteReports(HtmlWriter html, Links links, IReadOnlyList<ReconciliationEntry> entries)
    {
        html.Write($"<h2 id=\"reconciliation\">Reconciliation reports</h2>");
        if (entries.Count == 0)
        {
            html.Write($"<p class=\"muted\">No reconciliation pass has run.</p>");
            return;
        }

        html.Write($"<table id=\"reconciliations\"><thead><tr><th scope=\"col\">Run</th><th scope=\"col\">Stream</th><th scope=\"col\">Kind</th><th scope=\"col\">Started</th><th scope=\"col\" class=\"num\">Checked</th><th scope=\"col\" class=\"num\">Missing</th><th scope=\"col\" class=\"num\">Stale</th><th scope=\"col\" class=\"num\">Extra</th><th scope=\"col\" class=\"num\">Deleted</th><th scope=\"col\" class=\"num\">Repaired</th><th scope=\"col\" class=\"num\">Unrepaired</th><th scope=\"col\" class=\"num\">Gap rate</th><th scope=\"col\">Correction</th></tr></thead><tbody>");
        foreach (var e in entries)
        {
            var r = e.Report;
            html.Write($"<tr><td><a href=\"{links.Run(e.RunId)}\"><code>{Formats.RunId(e.RunId)}</code></a></td><td>{e.Job.Stream}</td><td>{r.Kind}</td><td>{Formats.Time(r.StartedAt)}</td><td class=\"num\">{r.Checked}</td><td class=\"num\">{r.Missing}</td><td class=\"num\">{r.Stale}</td><td class=\"num\">{r.Extra}</td><td class=\"num\">{r.Deleted}</td><td class=\"num\">{r.Repaired}</td><td class=\"num\">{r.Unrepaired}</td><td class=\"num\">{r.GapRate:P2}</td><td>{(r.CorrectionPaused ? "paused" : r.Correction.ToString())}</td></tr>");
        }

        html.Write($"</tbody></table>");
    }

    /// <summary>A pass's report, and a form to force-repair the gaps it left unrepaired.</summary>
    public static void WriteReport(HtmlWriter html, Links links, RunRecord run, ReconciliationReport r, AntiforgeryTokenSet tokens)
    {
        html.Write($"""
            <h2>Reconciliation report</h2>
            <dl><dt>Kind</dt><dd>{r.Kind}</dd><dt>Window</dt><dd>{Formats.Time(r.WindowFrom)} → {Formats.Time(r.WindowTo)}</dd><dt>Duration</dt><dd>{Formats.Duration(r.Duration)}</dd>
            <dt>Checked</dt><dd>{r.Checked}</dd><dt>Missing / stale / extra</dt><dd>{r.Missing} / {r.Stale} / {r.Extra}</dd>
            <dt>Stale over every key</dt><dd>{r.StaleEstimate} (estimated from {r.Stale} found among {r.StaleSampleSize} compared)</dd>
            <dt>Gone at source / still at source</dt><dd>{r.GoneAtSource} / {r.StillAtSource}</dd><dt>Drift</dt><dd>{r.Drifted} of {r.DriftChecked} checked</dd>
            <dt>Gap rate</dt><dd>{r.GapRate:P2} (threshold {r.GapThreshold:P2})</dd><dt>Correction</dt><dd>{r.Correction}{(r.CorrectionPaused ? ", paused" : string.Empty)}</dd>
            <dt>Repaired / unrepaired / deleted</dt><dd>{r.Repaired} / {r.Unrepaired} / {r.Deleted}</dd><dt>Missing keys</dt><dd><code>{string.Join(", ", r.MissingKeys)}</code></dd>
            <dt>Unrepaired keys</dt><dd id="unrepaired-keys"><code>{string.Join(", ", r.UnrepairedKeys)}</code></dd></dl>
            """);
        if (r.UnrepairedKeys.Count == 0)
        {
            return;
        }

        html.Write($"""
            <h3 id="force-repair">Force repair</h3>
            <p class="muted">The destination keeps another version of these records than the source's, and refuses the source's (a timestamp that went backwards is skipped for ever).
            Make sure the source holds the version to keep: a force repair reads each record from the source and overwrites whatever version the destination holds.
            It is recorded in run history with who and why, and an audit entry per record; the next pass confirms the gaps closed.</p>
            <form id="force-repair-form" method="post" action="{links.Action("force-repair")}">{Layout.Token(tokens)}<input type="hidden" name="job" value="{Links.JobKey(run.Job)}">
            """);
        foreach (var key in r.UnrepairedKeys)
        {
            html.Write($"<input type=\"hidden\" name=\"key\" value=\"{key}\">");
        }

        html.Write($"""
            <fieldset><legend>{r.UnrepairedKeys.Count} record(s)</legend>
            <label for="force-repair-reason">Reason</label><input id="force-repair-reason" name="reason" type="text">
            <button type="submit" class="danger">Force-repair {r.UnrepairedKeys.Count} record(s)</button></fieldset></form>
            """);
    }

    /// <summary>A form per job that runs a pass now, with the job's own options.</summary>
    public static void WriteReconcileNow(HtmlWriter html, Links links, TenantDetail tenant, AntiforgeryTokenSet tokens)
    {
        html.Write($"""
            <h2 id="reconcile-now">Reconcile now</h2><p class="muted">Runs one pass at once with the job's own options, whatever its schedule; it counts as the latest pass of its kind.
            Automatic correction pauses above the gap threshold, Always corrects whatever the rate, Never only reports.</p>
            """);
        foreach (var job in tenant.Jobs)
        {
            var id = "reconcile-" + job.Job.Stream;
            html.Write($"""
                <form method="post" action="{links.Action("reconcile")}">{Layout.Token(tokens)}<input type="hidden" name="job" value="{Links.JobKey(job.Job)}">
                <fieldset><legend>{job.Job.Stream}</legend>
                <label for="{id}-pass">Pass</label><select id="{id}-pass" name="pass"><option value="{RunKind.IncrementalReconciliation}">Incremental</option><option value="{RunKind.FullReconciliation}">Full</option></select>
                <label for="{id}-correction">Correction</label><select id="{id}-correction" name="correction"><option>{CorrectionMode.Automatic}</option><option>{CorrectionMode.Always}</option><option>{CorrectionMode.Never}</option></select>
                <button type="submit">Reconcile now</button></fieldset></form>
                """);
        }
    }
}
