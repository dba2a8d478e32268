using System.Globalization;

namespace SyncKit.AspNetCore.Internal.Html;

/// <summary>The overview page: the header over all jobs, the anomalies, and one filtered page of tenants, worst first.</summary>
internal static class OverviewHtml
{
    public static string Page(string title, Links links, OverviewPage overview, OverviewFilter filter, RetentionView retention) =>
        Layout.Page(title, "Tenants", links, html =>
        {
            var summary = overview.Summary;
            if (summary.JobCounts.Total == 0)
            {
                html.Write($"<p>No job is registered.</p>");
                RetentionHtml.Write(html, retention);
                return;
            }

            WriteSummary(html, summary);
            WriteAnomalies(html, links, summary);
            html.Write($"<h2 id=\"tenant-list\">By tenant</h2>");
            WriteFilter(html, links, filter);
            WriteTenants(html, links, overview, filter);
            RetentionHtml.Write(html, retention);
        });

    private static void WriteSummary(HtmlWriter html, OverviewSummary summary)
    {
        html.Write($"""
            <h2 id="summary">Summary</h2><dl id="summary-figures">
            <dt>Tenants</dt><dd data-figure="tenants">{Counts(summary.TenantCounts)}</dd>
            <dt>Jobs</dt><dd data-figure="jobs">{Counts(summary.JobCounts)}</dd>
            <dt>Healthy</dt><dd data-figure="healthy">{Formats.Percent(summary.JobCounts.HealthyPercent)} of jobs</dd>
            <dt>Lag across jobs</dt><dd data-figure="lag">p50 {Formats.Duration(summary.LagP50)}, p99 {Formats.Duration(summary.LagP99)}</dd>
            <dt>Dead letters</dt><dd data-figure="dead-letters">{summary.DeadLetters} in all; {Growth(summary)}</dd>
            <dt>Open breakers</dt><dd data-figure="breakers">{summary.OpenBreakers}</dd></dl>
            """);
    }

    private static void WriteAnomalies(HtmlWriter html, Links links, OverviewSummary summary)
    {
        html.Write($"<h2 id=\"anomalies\">Anomalies</h2>");
        if (summary.AnomalyCount == 0)
        {
            html.Write($"<p class=\"muted\">None: no job is stalled, burns its error budget over {Formats.Burn(Overview.AnomalousBurn)}, has reconciliation paused by its gap rate or unrepaired gaps, or a fast-growing dead-letter queue.</p>");
            return;
        }

        var shown = summary.Anomalies.Count < summary.AnomalyCount ? $"; the first {summary.Anomalies.Count} shown" : string.Empty;
        html.Write($"<table id=\"anomaly-list\"><caption class=\"muted\">{summary.AnomalyCount} anomal{(summary.AnomalyCount == 1 ? "y" : "ies")}{shown}, stalled jobs first.</caption><thead><tr><th scope=\"col\">Job</th><th scope=\"col\">Anomaly</th><th scope=\"col\">Detail</th></tr></thead><tbody>");
        foreach (var anomaly in summary.Anomalies)
        {
            html.Write($"<tr data-job=\"{Links.JobKey(anomaly.Job)}\" data-kind=\"{anomaly.Kind}\"><th scope=\"row\"><a href=\"{links.Job(anomaly.Job)}\">{anomaly.Job.Tenant} / {anomaly.Job.Stream}</a></th><td>{Name(anomaly.Kind)}</td><td>{anomaly.Detail}</td></tr>");
        }

        html.Write($"</tbody></table>");
    }

    private static void WriteFilter(HtmlWriter html, Links links, OverviewFilter filter)
    {
        html.Write($"<form id=\"tenant-filter\" method=\"get\" action=\"{links.Overview}\" role=\"search\"><label for=\"filter-state\">Health</label><select id=\"filter-state\" name=\"state\"><option value=\"\">Any</option>");
        foreach (var state in (JobHealthStatus[])[JobHealthStatus.Stalled, JobHealthStatus.Degraded, JobHealthStatus.Healthy])
        {
            var selected = filter.State == state ? new Markup(" selected") : new Markup(string.Empty);
            html.Write($"<option value=\"{state}\"{selected}>{state}</option>");
        }

        html.Write($"</select><label for=\"filter-q\">Tenant name contains</label><input id=\"filter-q\" name=\"q\" type=\"search\" value=\"{filter.Query ?? string.Empty}\"><button type=\"submit\">Filter</button></form>");
    }

    private static void WriteTenants(HtmlWriter html, Links links, OverviewPage overview, OverviewFilter filter)
    {
        if (overview.Tenants.Count == 0)
        {
            html.Write($"<p id=\"tenants-empty\">No tenant matches{(filter.After is null ? string.Empty : " after this point")}. <a href=\"{links.Overview}\">Show all tenants</a>.</p>");
            return;
        }

        html.Write($"<table id=\"tenants\"><caption class=\"muted\">{overview.Tenants.Count} of {overview.Matching} tenant(s){(filter.State is null && filter.Query is null ? string.Empty : " matching the filter")}, worst first; each row shows the worst of its jobs.</caption><thead><tr><th scope=\"col\">Tenant</th><th scope=\"col\">Health</th><th scope=\"col\" class=\"num\">Jobs</th><th scope=\"col\" class=\"num\">Lag</th><th scope=\"col\">Last success</th><th scope=\"col\" class=\"num\">Dead letters</th><th scope=\"col\">Breaker</th><th scope=\"col\" class=\"num\">Error-budget burn</th></tr></thead><tbody>");
        foreach (var t in overview.Tenants)
        {
            html.Write($"<tr data-tenant=\"{t.Tenant}\"><th scope=\"row\"><a href=\"{links.Tenant(t.Tenant)}\">{t.Tenant}</a></th><td>{Layout.Status(t.Status)}</td><td class=\"num\">{t.Jobs}</td><td class=\"num\">{Formats.Duration(t.Lag)}</td><td>{Formats.Time(t.LastSuccessAt)}</td><td class=\"num\"><a href=\"{links.DeadLetters(t.Tenant)}\">{t.DeadLetters}</a></td><td>{t.Breaker}</td><td class=\"num\">{Formats.Burn(t.ErrorBudgetBurn)}</td></tr>");
        }

        html.Write($"</tbody></table><p class=\"pages\">");
        if (filter.After is not null)
        {
            html.Write($"<a id=\"first-page\" href=\"{links.FilteredOverview(filter, null)}\">First page</a> ");
        }

        if (overview.Next is { } next)
        {
            html.Write($"<a id=\"next-page\" href=\"{links.FilteredOverview(filter, next)}\" rel=\"next\">Next page</a>");
        }

        html.Write($"</p>");
    }

    private static string Counts(StatusCounts counts) => string.Create(
        CultureInfo.InvariantCulture,
        $"{counts.Total}: {counts.Healthy} healthy, {counts.Degraded} degraded, {counts.Stalled} stalled");

    private static string Growth(OverviewSummary summary) => summary.JobsWithGrowingDeadLetters == 0
        ? "no queue growing"
        : string.Create(CultureInfo.InvariantCulture, $"growing in {summary.JobsWithGrowingDeadLetters} job(s), by {summary.DeadLetterGrowth} over the growth window");

    private static string Name(AnomalyKind kind) => kind switch
    {
        AnomalyKind.Stalled => "Stalled",
        AnomalyKind.ErrorBudgetBurn => "Error budget burn",
        AnomalyKind.GapRate => "Gap rate above threshold",
        AnomalyKind.UnrepairedGaps => "Unrepaired gaps",
        _ => "Dead-letter queue growth",
    };
}
