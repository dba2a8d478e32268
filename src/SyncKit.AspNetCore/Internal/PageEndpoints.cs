using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using SyncKit.AspNetCore.Internal.Html;

namespace SyncKit.AspNetCore.Internal;

/// <summary>The HTML pages and the form actions behind their buttons (post, then redirect to a page that shows the result).</summary>
internal static class PageEndpoints
{
    public static void Map(RouteGroupBuilder group, string prefix)
    {
        group.MapGet("/", async (string? state, string? q, string? after, int? limit, HttpContext context, [FromServices] DashboardQueries queries, CancellationToken ct) =>
        {
            var links = LinksFor(context, prefix);
            return OverviewFilter.From(state, q, after, limit) is { } filter
                ? Page(OverviewHtml.Page(queries.Options.Title, links, await queries.OverviewAsync(filter, ct).ConfigureAwait(false), filter, queries.Retention()))
                : Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: OverviewFilter.Invalid);
        });

        group.MapGet("/tenants/{tenant}", async (string tenant, HttpContext context, [FromServices] DashboardQueries queries, [FromServices] IAntiforgery antiforgery, CancellationToken ct) =>
        {
            tenant = Links.FromRoute(tenant);
            var links = LinksFor(context, prefix);
            return await queries.TenantAsync(tenant, ct).ConfigureAwait(false) is { } detail
                ? Page(Pages.Tenant(queries.Options.Title, links, detail, antiforgery.GetAndStoreTokens(context)))
                : Page(Pages.NotFound(queries.Options.Title, links, $"No job is registered for tenant '{tenant}'."), StatusCodes.Status404NotFound);
        });

        group.MapGet("/runs/{runId}", async (string runId, long? after, HttpContext context, [FromServices] DashboardQueries queries, [FromServices] IAntiforgery antiforgery, CancellationToken ct) =>
        {
            var links = LinksFor(context, prefix);
            return await queries.RunAsync(runId, after, null, ct).ConfigureAwait(false) is { } run
                ? Page(Pages.Run(queries.Options.Title, links, run, first: after is null, antiforgery.GetAndStoreTokens(context)))
                : Page(Pages.NotFound(queries.Options.Title, links, $"No run '{runId}' in run history."), StatusCodes.Status404NotFound);
        });

        group.MapGet("/dead-letters", async (string? tenant, string? stream, string? done, HttpContext context, [FromServices] DashboardQueries queries, [FromServices] IAntiforgery antiforgery, CancellationToken ct) =>
        {
            var entries = await queries.DeadLettersAsync(tenant, stream, null, ct).ConfigureAwait(false);
            var notice = done switch
            {
                "retried" => "Retry done and recorded in run history; resolved entries left the queue.",
                "discarded" => "Discarded and recorded in run history.",
                _ => null,
            };
            return Page(Pages.DeadLetters(queries.Options.Title, LinksFor(context, prefix), tenant, stream, entries, notice, antiforgery.GetAndStoreTokens(context)));
        });

        group.MapGet("/replay", (string? job, HttpContext context, [FromServices] DashboardQueries queries, [FromServices] IAntiforgery antiforgery) =>
        {
            JobId? selected = Links.TryParseJobKey(job, out var id) ? id : null;
            return Page(Pages.Replay(queries.Options.Title, LinksFor(context, prefix), AllJobs(queries), new ReplayForm(selected, null, null), null, null, antiforgery.GetAndStoreTokens(context)));
        });

        var actions = group.MapGroup(string.Empty).AddEndpointFilter<AntiforgeryFilter>();
        actions.MapPost("/dead-letters/retry", (HttpContext context, [FromServices] DashboardQueries queries, [FromServices] DashboardActions run, CancellationToken ct) =>
            WithFormAsync(context, prefix, queries, async (job, form) =>
            {
                await run.RetryAsync(job, [.. form["key"].OfType<string>()], Actor.Of(context), ct).ConfigureAwait(false);
                return Results.Redirect(LinksFor(context, prefix).DeadLetters(job.Tenant) + "&done=retried");
            }));
        actions.MapPost("/dead-letters/discard", (HttpContext context, [FromServices] DashboardQueries queries, [FromServices] DashboardActions run, CancellationToken ct) =>
            WithFormAsync(context, prefix, queries, async (job, form) =>
            {
                // Each entry as the page listed it, so a record that failed again since is not discarded unseen.
                var keys = form["key"];
                var positions = form["position"];
                var entries = new List<DeadLetterId>(keys.Count);
                for (var i = 0; i < keys.Count; i++)
                {
                    if (keys[i] is not { } key || i >= positions.Count || !DashboardJson.TryReadFormValue(positions[i], out var position))
                    {
                        return Results.Problem(statusCode: 400, title: "Each entry to discard needs its key and the position it was listed at.");
                    }

                    entries.Add(new DeadLetterId(key, position));
                }

                await run.DiscardAsync(job, entries, Actor.Of(context), NullIfEmpty(form["reason"]), ct).ConfigureAwait(false);
                return Results.Redirect(LinksFor(context, prefix).DeadLetters(job.Tenant) + "&done=discarded");
            }));
        actions.MapPost("/checkpoints/reset", (HttpContext context, [FromServices] DashboardQueries queries, [FromServices] DashboardActions run, CancellationToken ct) =>
            WithFormAsync(context, prefix, queries, async (job, form) =>
            {
                Cursor? position = null;
                if (form["mode"] != "empty")
                {
                    if (!Formats.TryParseInstant(form["timestamp"], out var at))
                    {
                        return Results.Problem(statusCode: 400, title: "Give the new checkpoint's timestamp, or reset to the beginning.");
                    }

                    position = Cursor.At(at, form["id"].ToString());
                }

                var record = await run.ResetCheckpointAsync(job, position, Actor.Of(context), NullIfEmpty(form["reason"]), ct).ConfigureAwait(false);
                return Results.Redirect(LinksFor(context, prefix).Run(record.RunId));
            }));
        actions.MapPost("/reconcile", (HttpContext context, [FromServices] DashboardQueries queries, [FromServices] DashboardActions run, CancellationToken ct) =>
            WithFormAsync(context, prefix, queries, (job, form) => RunThenShowAsync(context, prefix, "The pass cannot run", () =>
            {
                // A pass that does not parse stays Sync, which the runner refuses naming the passes it takes.
                _ = Enum.TryParse<RunKind>(form["pass"], out var pass);
                var correction = Enum.TryParse<CorrectionMode>(form["correction"], out var mode) ? mode : CorrectionMode.Automatic;
                return run.ReconcileAsync(job, pass, correction, Actor.Of(context), ct);
            })));
        actions.MapPost("/force-repair", (HttpContext context, [FromServices] DashboardQueries queries, [FromServices] DashboardActions run, CancellationToken ct) =>
            WithFormAsync(context, prefix, queries, (job, form) => RunThenShowAsync(context, prefix, "The force repair cannot run", () =>
                run.ForceRepairAsync(job, [.. form["key"].OfType<string>()], Actor.Of(context), NullIfEmpty(form["reason"]), ct))));
        actions.MapPost("/replay", (HttpContext context, [FromServices] DashboardQueries queries, [FromServices] DashboardActions run, [FromServices] IAntiforgery antiforgery, CancellationToken ct) =>
            WithFormAsync(context, prefix, queries, async (job, form) =>
            {
                var input = new ReplayForm(
                    job,
                    Formats.TryParseInstant(form["from"], out var from) ? from : null,
                    Formats.TryParseInstant(form["to"], out var to) ? to : null);
                ReplayResult<string>? result = null;
                string? error = null;
                if (input.From is null || input.To is null)
                {
                    error = "Give the window's start and end.";
                }
                else
                {
                    try
                    {
                        result = await run.ReplayAsync(job, from, to, Actor.Of(context), ct).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                    {
                        error = e.Message;
                    }
                }

                var html = Pages.Replay(queries.Options.Title, LinksFor(context, prefix), AllJobs(queries), input, result, error, antiforgery.GetAndStoreTokens(context));
                return Page(html, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
            }));
    }

    private static IReadOnlyList<JobId> AllJobs(DashboardQueries queries) => [.. queries.Tenants().SelectMany(t => t)];

    private static async Task<IResult> WithFormAsync(HttpContext context, string prefix, DashboardQueries queries, Func<JobId, IFormCollection, Task<IResult>> act)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        if (!Links.TryParseJobKey(form["job"], out var job) || !queries.IsRegistered(job))
        {
            return Page(Pages.NotFound(queries.Options.Title, LinksFor(context, prefix), $"No job is registered for '{form["job"]}'."), StatusCodes.Status404NotFound);
        }

        return await act(job, form).ConfigureAwait(false);
    }

    /// <summary>Runs an action that records a run and shows that run; one the core refuses answers 400 with the reason.</summary>
    private static async Task<IResult> RunThenShowAsync(HttpContext context, string prefix, string refused, Func<Task<RunRecord>> act)
    {
        try
        {
            var record = await act().ConfigureAwait(false);
            return Results.Redirect(LinksFor(context, prefix).Run(record.RunId));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: refused, detail: e.Message);
        }
    }

    private static Links LinksFor(HttpContext context, string prefix) => new(context.Request.PathBase + prefix);

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.ToString();

    private static IResult Page(string html, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(html, "text/html; charset=utf-8", statusCode: statusCode);
}
