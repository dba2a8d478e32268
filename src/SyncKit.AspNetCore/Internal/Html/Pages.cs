using Microsoft.AspNetCore.Antiforgery;

namespace SyncKit.AspNetCore.Internal.Html;

/// <summary>The dashboard's pages, rendered on the server from the same models the JSON API returns. They read without script.</summary>
internal static class Pages
{
    private const int PayloadPreview = 300;

    public static string Tenant(string title, Links links, TenantDetail tenant, AntiforgeryTokenSet tokens) =>
        Layout.Page(title, $"Tenant {tenant.Tenant}", links, html =>
        {
            html.Write($"<h2 id=\"jobs\">Jobs</h2><table><thead><tr><th scope=\"col\">Stream</th><th scope=\"col\">Health</th><th scope=\"col\" class=\"num\">Lag</th><th scope=\"col\">Checkpoint</th><th scope=\"col\">Last success</th><th scope=\"col\" class=\"num\">Dead letters</th><th scope=\"col\">Breakers (source / destination)</th><th scope=\"col\" class=\"num\">Burn</th><th scope=\"col\">Actions</th></tr></thead><tbody>");
            foreach (var job in tenant.Jobs)
            {
                html.Write($"<tr id=\"{Links.JobAnchor(job.Job.Stream)}\" data-stream=\"{job.Job.Stream}\"><th scope=\"row\">{job.Job.Stream}</th><td>{Layout.Status(job.Status)}");
                if (job.Reasons.Count > 0)
                {
                    html.Write($"<ul class=\"reasons\">");
                    foreach (var reason in job.Reasons)
                    {
                        html.Write($"<li>{reason}</li>");
                    }

                    html.Write($"</ul>");
                }

                html.Write($"</td><td class=\"num\">{Formats.Duration(job.Lag)}</td><td><code>{Formats.Cursor(job.Checkpoint)}</code></td><td>{Formats.Time(job.LastSuccessAt)}</td><td class=\"num\"><a href=\"{links.DeadLetters(job.Job.Tenant, job.Job.Stream)}\">{job.DeadLetters}</a></td><td>{job.Breakers.Source} / {job.Breakers.Destination}</td><td class=\"num\">{Formats.Burn(job.ErrorBudgetBurn)}</td><td><a href=\"{links.Replay(job.Job)}\">Replay…</a></td></tr>");
            }

            html.Write($"</tbody></table><h2 id=\"lag\">Lag over time</h2>");
            foreach (var series in tenant.Lag)
            {
                LagChart.Write(html, series);
            }

            WriteRuns(html, links, tenant.RecentRuns);
            WriteErrors(html, tenant.ErrorsByClass);
            ReconciliationHtml.WriteReports(html, links, tenant.Reconciliations);
            ReconciliationHtml.WriteReconcileNow(html, links, tenant, tokens);
            WriteCheckpointReset(html, links, tenant, tokens);
        });

    /// <summary>A run and one page of its audit trail; <paramref name="first"/> when the page is the trail's first.</summary>
    public static string Run(string title, Links links, RunDetail detail, bool first, AntiforgeryTokenSet tokens) =>
        Layout.Page(title, $"Run {detail.Run.RunId}", links, html =>
        {
            var run = detail.Run;
            html.Write($"""
                <dl><dt>Job</dt><dd><a href="{links.Tenant(run.Job.Tenant)}">{run.Job.Tenant}</a> / {run.Job.Stream}</dd>
                <dt>Kind</dt><dd>{run.Kind}</dd><dt>Outcome</dt><dd>{Layout.Outcome(run.Outcome)}</dd>
                <dt>Started</dt><dd>{Formats.Time(run.StartedAt)}</dd><dt>Ended</dt><dd>{Formats.Time(run.EndedAt)}</dd>
                <dt>Cursor</dt><dd><code>{Formats.Cursor(run.CursorFrom)}</code> → <code>{Formats.Cursor(run.CursorTo)}</code></dd>
                <dt>Counts</dt><dd>read {run.Counts.Read}, written {run.Counts.Written}, skipped {run.Counts.Skipped}, deduplicated {run.Counts.Deduplicated}, retried {run.Counts.Retried}, dead-lettered {run.Counts.DeadLettered}</dd>
                <dt>Errors by class</dt><dd>{string.Join(", ", run.ErrorsByClass.Select(e => $"{e.Key} {e.Value}"))}</dd>
                <dt>Sample records</dt><dd><code>{string.Join(", ", run.SampleRecordKeys)}</code></dd>
                """);
            if (run.Error is not null)
            {
                html.Write($"<dt>Error</dt><dd>{run.Error}</dd>");
            }

            if (detail.Action is { } action)
            {
                html.Write($"<dt>Operator</dt><dd id=\"actor\">{action.Actor} at {Formats.Time(run.StartedAt)}</dd><dt>Reason</dt><dd>{action.Reason ?? "–"}</dd><dt>Records</dt><dd><code>{string.Join(", ", action.RecordKeys)}</code></dd>");
            }

            html.Write($"</dl>");
            if (detail.Report is { } report)
            {
                ReconciliationHtml.WriteReport(html, links, run, report, tokens);
            }

            html.Write($"<h2 id=\"audit\">Audit trail</h2>");
            if (detail.Audit.Count == 0)
            {
                if (first)
                {
                    html.Write($"<p class=\"muted\">No audit entries for this run (regular runs write them only for jobs with the audit log on).</p>");
                }
                else
                {
                    html.Write($"<p class=\"muted\">No further audit entries. <a href=\"{links.Run(run.RunId)}#audit\">Back to the first</a>.</p>");
                }

                return;
            }

            if (!first)
            {
                html.Write($"<p><a href=\"{links.Run(run.RunId)}#audit\">First entries</a></p>");
            }

            html.Write($"<table><thead><tr><th scope=\"col\">At</th><th scope=\"col\">Record</th><th scope=\"col\">Action</th><th scope=\"col\">Position</th></tr></thead><tbody>");
            foreach (var entry in detail.Audit)
            {
                html.Write($"<tr><td>{Formats.Time(entry.At)}</td><td><code>{entry.RecordKey}</code></td><td>{entry.Action}</td><td><code>{Formats.Cursor(entry.Position)}</code></td></tr>");
            }

            html.Write($"</tbody></table>");
            if (detail.AuditNext is { } next)
            {
                html.Write($"<p><a id=\"audit-next\" href=\"{links.Run(run.RunId, next)}#audit\">Next entries</a></p>");
            }
        });

    public static string DeadLetters(string title, Links links, string? tenant, string? stream, IReadOnlyList<DeadLetter> entries, string? notice, AntiforgeryTokenSet tokens) =>
        Layout.Page(title, tenant is null ? "Dead letters" : $"Dead letters of {tenant}{(stream is null ? string.Empty : "/" + stream)}", links, html =>
        {
            WriteNotice(html, notice);
            if (entries.Count == 0)
            {
                html.Write($"<p id=\"dead-letters-empty\">The dead-letter queue is empty.</p>");
                return;
            }

            html.Write($"<table id=\"dead-letters\"><thead><tr><th scope=\"col\">Job</th><th scope=\"col\">Record</th><th scope=\"col\">Status</th><th scope=\"col\">Class</th><th scope=\"col\" class=\"num\">Attempts</th><th scope=\"col\">Last error</th><th scope=\"col\">Next attempt</th><th scope=\"col\">Payload</th><th scope=\"col\">Actions</th></tr></thead><tbody>");
            foreach (var e in entries)
            {
                var job = Links.JobKey(e.Job);
                html.Write($"""
                    <tr data-key="{e.RecordKey}"><td><a href="{links.Tenant(e.Job.Tenant)}">{e.Job.Tenant}</a>/{e.Job.Stream}</td><td><code>{e.RecordKey}</code></td><td>{e.Status}</td><td>{e.ErrorClass}</td><td class="num">{e.Attempts}</td><td>{e.LastError}</td><td>{Formats.Time(e.NextAttemptAt)}</td><td><code>{Preview(e.Payload)}</code></td>
                    <td><form class="inline" method="post" action="{links.Action("dead-letters/retry")}">{Layout.Token(tokens)}<input type="hidden" name="job" value="{job}"><input type="hidden" name="key" value="{e.RecordKey}"><button type="submit" aria-label="Retry {e.RecordKey}">Retry</button></form>
                    <form class="inline" method="post" action="{links.Action("dead-letters/discard")}">{Layout.Token(tokens)}<input type="hidden" name="job" value="{job}"><input type="hidden" name="key" value="{e.RecordKey}"><input type="hidden" name="position" value="{DashboardJson.FormValue(e.Position)}"><button type="submit" class="danger" aria-label="Discard {e.RecordKey}">Discard</button></form></td></tr>
                    """);
            }

            html.Write($"</tbody></table>");
        });

    public static string Replay(string title, Links links, IReadOnlyList<JobId> jobs, ReplayForm form, ReplayResult<string>? result, string? error, AntiforgeryTokenSet tokens) =>
        Layout.Page(title, "Dry-run replay", links, html =>
        {
            html.Write($"<p>Runs a job over a past window against a recording destination and lists what it would do. Nothing is written: not the destination, not the checkpoint, not run history.</p>");
            html.Write($"<form id=\"replay-form\" method=\"post\" action=\"{links.Action("replay")}\">{Layout.Token(tokens)}<fieldset><legend>Window</legend><label for=\"replay-job\">Job</label><select id=\"replay-job\" name=\"job\">");
            foreach (var job in jobs)
            {
                var selected = form.Job == job ? new Markup(" selected") : new Markup(string.Empty);
                html.Write($"<option value=\"{Links.JobKey(job)}\"{selected}>{job.Tenant} / {job.Stream}</option>");
            }

            html.Write($"""
                </select>
                <label for="replay-from">From (UTC, inclusive)</label><input id="replay-from" name="from" type="datetime-local" step="1" required value="{Formats.LocalInput(form.From)}">
                <label for="replay-to">To (UTC, exclusive)</label><input id="replay-to" name="to" type="datetime-local" step="1" required value="{Formats.LocalInput(form.To)}">
                <button type="submit">Replay (dry run)</button></fieldset></form>
                """);
            if (error is not null)
            {
                html.Write($"<p class=\"notice error\" role=\"alert\">{error}</p>");
            }

            if (result is null)
            {
                return;
            }

            html.Write($"<h2 id=\"replay-result\">{result.Operations.Count} operation(s) would run</h2><p>Read {result.Run.Counts.Read} record(s); outcome {Layout.Outcome(result.Run.Outcome)}.</p>");
            html.Write($"<table id=\"replay-operations\"><thead><tr><th scope=\"col\">Action</th><th scope=\"col\">Record</th><th scope=\"col\">Position</th><th scope=\"col\">Payload</th></tr></thead><tbody>");
            foreach (var op in result.Operations)
            {
                html.Write($"<tr><td>{op.Action}</td><td><code>{op.Record.Key}</code></td><td><code>{Formats.Cursor(op.Record.Position)}</code></td><td><code>{Preview(op.Record.Value)}</code></td></tr>");
            }

            html.Write($"</tbody></table>");
        });

    public static string NotFound(string title, Links links, string what) =>
        Layout.Page(title, "Not found", links, html => html.Write($"<p>{what}</p><p><a href=\"{links.Overview}\">Back to the overview</a></p>"));

    private static void WriteRuns(HtmlWriter html, Links links, IReadOnlyList<RunRecord> runs)
    {
        html.Write($"<h2 id=\"runs\">Recent runs</h2>");
        if (runs.Count == 0)
        {
            html.Write($"<p class=\"muted\">No runs yet.</p>");
            return;
        }

        html.Write($"<table id=\"recent-runs\"><thead><tr><th scope=\"col\">Run</th><th scope=\"col\">Stream</th><th scope=\"col\">Kind</th><th scope=\"col\">Outcome</th><th scope=\"col\">Started</th><th scope=\"col\">Ended</th><th scope=\"col\" class=\"num\">Read</th><th scope=\"col\" class=\"num\">Written</th><th scope=\"col\" class=\"num\">Skipped</th><th scope=\"col\" class=\"num\">Dead-lettered</th><th scope=\"col\">Cursor from → to</th></tr></thead><tbody>");
        foreach (var run in runs)
        {
            html.Write($"<tr><td><a href=\"{links.Run(run.RunId)}\"><code>{Formats.RunId(run.RunId)}</code></a></td><td>{run.Job.Stream}</td><td>{run.Kind}</td><td>{Layout.Outcome(run.Outcome)}</td><td>{Formats.Time(run.StartedAt)}</td><td>{Formats.Time(run.EndedAt)}</td><td class=\"num\">{run.Counts.Read}</td><td class=\"num\">{run.Counts.Written}</td><td class=\"num\">{run.Counts.Skipped}</td><td class=\"num\">{run.Counts.DeadLettered}</td><td class=\"nowrap\"><code>{Formats.Cursor(run.CursorFrom)}</code> → <code>{Formats.Cursor(run.CursorTo)}</code></td></tr>");
        }

        html.Write($"</tbody></table>");
    }

    private static void WriteErrors(HtmlWriter html, IReadOnlyDictionary<ErrorClass, long> errors)
    {
        html.Write($"<h2 id=\"errors\">Errors by class</h2>");
        if (errors.Count == 0)
        {
            html.Write($"<p class=\"muted\">No errors in the recent runs.</p>");
            return;
        }

        html.Write($"<table id=\"errors-by-class\"><thead><tr><th scope=\"col\">Class</th><th scope=\"col\" class=\"num\">Failures</th></tr></thead><tbody>");
        foreach (var (errorClass, count) in errors)
        {
            html.Write($"<tr><th scope=\"row\">{errorClass}</th><td class=\"num\">{count}</td></tr>");
        }

        html.Write($"</tbody></table>");
    }

    private static void WriteCheckpointReset(HtmlWriter html, Links links, TenantDetail tenant, AntiforgeryTokenSet tokens)
    {
        html.Write($"<h2 id=\"checkpoint\">Reset a checkpoint</h2><p class=\"muted\">Pause the job's schedule first: a run in flight commits its own watermark over the reset. The reset is recorded in run history.</p>");
        foreach (var job in tenant.Jobs)
        {
            var id = "reset-" + job.Job.Stream;
            html.Write($"""
                <form method="post" action="{links.Action("checkpoints/reset")}">{Layout.Token(tokens)}<input type="hidden" name="job" value="{Links.JobKey(job.Job)}">
                <fieldset><legend>{job.Job.Stream} (now <code>{Formats.Cursor(job.Checkpoint)}</code>)</legend>
                <label for="{id}-at">Timestamp (UTC)</label><input id="{id}-at" name="timestamp" type="datetime-local" step="1">
                <label for="{id}-id">Id</label><input id="{id}-id" name="id" type="text">
                <label for="{id}-reason">Reason</label><input id="{id}-reason" name="reason" type="text">
                <button type="submit" name="mode" value="position">Reset to this position</button>
                <button type="submit" name="mode" value="empty" class="danger">Reset to the beginning</button></fieldset></form>
                """);
        }
    }

    private static void WriteNotice(HtmlWriter html, string? notice)
    {
        if (notice is not null)
        {
            html.Write($"<p class=\"notice\" role=\"status\">{notice}</p>");
        }
    }

    private static string Preview(string payload) => payload.Length > PayloadPreview ? payload[..PayloadPreview] + "…" : payload;
}

/// <summary>What the replay form holds.</summary>
internal sealed record ReplayForm(JobId? Job, DateTimeOffset? From, DateTimeOffset? To);
