using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SyncKit.AspNetCore.Internal.Html;

namespace SyncKit.AspNetCore.Internal;

/// <summary>The JSON API under <c>api/</c> and the health endpoints: the pages' data and actions for scripts and tools.</summary>
internal static class ApiEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        var api = group.MapGroup("/api");
        api.MapGet("/tenants", async ([FromServices] DashboardQueries queries, CancellationToken ct) =>
            Json(await queries.TenantsAsync(ct).ConfigureAwait(false)));
        api.MapGet("/overview", async (string? state, string? q, string? after, int? limit, [FromServices] DashboardQueries queries, CancellationToken ct) =>
            OverviewFilter.From(state, q, after, limit) is { } filter
                ? Json(await queries.OverviewAsync(filter, ct).ConfigureAwait(false))
                : Results.Problem(statusCode: 400, title: OverviewFilter.Invalid));
        api.MapGet("/tenants/{tenant}", async (string tenant, [FromServices] DashboardQueries queries, CancellationToken ct) =>
            await queries.TenantAsync(Links.FromRoute(tenant), ct).ConfigureAwait(false) is { } detail ? Json(detail) : NoTenant(Links.FromRoute(tenant)));
        api.MapGet("/tenants/{tenant}/lag", async (string tenant, [FromServices] DashboardQueries queries, CancellationToken ct) =>
            await queries.LagAsync(Links.FromRoute(tenant), ct).ConfigureAwait(false) is { } lag ? Json(lag) : NoTenant(Links.FromRoute(tenant)));
        api.MapGet("/tenants/{tenant}/runs", async (string tenant, string? stream, RunKind? kind, RunOutcome? outcome, DateTimeOffset? from, DateTimeOffset? before, int? limit, [FromServices] DashboardQueries queries, CancellationToken ct) =>
            Json(await queries.RunsAsync(new RunQuery { Tenant = Links.FromRoute(tenant), Stream = stream, Kind = kind, Outcome = outcome, StartedFrom = from, StartedBefore = before, Limit = Math.Clamp(limit ?? queries.Options.RecentRuns, 1, 10_000) }, ct).ConfigureAwait(false)));
        api.MapGet("/runs/{runId}", async (string runId, long? after, int? limit, [FromServices] DashboardQueries queries, CancellationToken ct) =>
            await queries.RunAsync(runId, after, limit, ct).ConfigureAwait(false) is { } run ? Json(run) : Results.Problem(statusCode: 404, title: $"No run '{runId}'."));
        api.MapGet("/dead-letters", async (string? tenant, string? stream, DeadLetterStatus? status, [FromServices] DashboardQueries queries, CancellationToken ct) =>
            Json(await queries.DeadLettersAsync(tenant, stream, status, ct).ConfigureAwait(false)));
        api.MapGet("/checkpoints/{tenant}/{stream}", async (string tenant, string stream, [FromServices] DashboardQueries queries, CancellationToken ct) =>
        {
            var job = new JobId(Links.FromRoute(tenant), Links.FromRoute(stream));
            return queries.IsRegistered(job) ? Json(await queries.CheckpointAsync(job, ct).ConfigureAwait(false)) : NoJob(job);
        });
        api.MapGet("/retention", ([FromServices] DashboardQueries queries) => Json(queries.Retention()));
        api.MapGet("/antiforgery", (HttpContext context, [FromServices] IAntiforgery antiforgery) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            return Json(new { headerName = tokens.HeaderName, token = tokens.RequestToken });
        });

        var actions = api.MapGroup(string.Empty).AddEndpointFilter<AntiforgeryFilter>();
        actions.MapPost("/dead-letters/retry", (HttpContext context, [FromServices] DashboardQueries queries, [FromServices] DashboardActions run, CancellationToken ct) =>
            WithBody<DeadLetterActionRequest>(context, queries, r => new JobId(r.Tenant, r.Stream), async (job, r) =>
                Json(await run.RetryAsync(job, r.Keys ?? [], Actor.Of(context), ct).ConfigureAwait(false))));
        actions.MapPost("/dead-letters/discard", (HttpContext context, [FromServices] DashboardQueries queries, [FromServices] DashboardActions run, CancellationToken ct) =>
            WithBody<DeadLetterDiscardRequest>(context, queries, r => new JobId(r.Tenant, r.Stream), async (job, r) =>
                r.Entries?.Any(e => e?.RecordKey is null || e.Position is null) == true
                    ? Results.Problem(statusCode: 400, title: "Each entry to discard needs its recordKey and the position it was listed at.")
                    : Json(await run.DiscardAsync(job, r.Entries ?? [], Actor.Of(context), r.Reason, ct).ConfigureAwait(false))));
        actions.MapPost("/checkpoints/reset", (HttpContext context, [FromServices] DashboardQueries queries, [FromServices] DashboardActions run, CancellationToken ct) =>
            WithBody<CheckpointResetRequest>(context, queries, r => new JobId(r.Tenant, r.Stream), async (job, r) =>
                Json(await run.ResetCheckpointAsync(job, r.Position, Actor.Of(context), r.Reason, ct).ConfigureAwait(false))));
        actions.MapPost("/reconcile", (HttpContext context, [FromServices] DashboardQueries queries, [FromServices] DashboardActions run, CancellationToken ct) =>
            WithBody<ReconcileRequest>(context, queries, r => new JobId(r.Tenant, r.Stream), (job, r) =>
                RefusedAs400Async("The pass cannot run", async () => Json(await run.ReconcileAsync(job, r.Pass, r.Correction, Actor.Of(context), ct).ConfigureAwait(false)))));
        actions.MapPost("/force-repair", (HttpContext context, [FromServices] DashboardQueries queries, [FromServices] DashboardActions run, CancellationToken ct) =>
            WithBody<ForceRepairRequest>(context, queries, r => new JobId(r.Tenant, r.Stream), (job, r) =>
                RefusedAs400Async("The force repair cannot run", async () => Json(await run.ForceRepairAsync(job, r.Keys ?? [], Actor.Of(context), r.Reason, ct).ConfigureAwait(false)))));
        actions.MapPost("/replay", (HttpContext context, [FromServices] DashboardQueries queries, [FromServices] DashboardActions run, CancellationToken ct) =>
            WithBody<ReplayRequest>(context, queries, r => new JobId(r.Tenant, r.Stream), (job, r) =>
                RefusedAs400Async("The replay cannot run", async () =>
                {
                    var result = await run.ReplayAsync(job, r.From, r.To, Actor.Of(context), ct).ConfigureAwait(false);
                    return Json(new { run = result.Run, operations = result.Operations.Select(ReplayOperationView.From) });
                })));

        group.MapGet("/health", ([FromServices] SyncHealthMonitor monitor, [FromServices] SyncJobRunner runner, CancellationToken ct) =>
            HealthAsync(new SyncHealthCheck(monitor, runner), ct));
        group.MapGet("/health/{tenant}", (string tenant, [FromServices] SyncHealthMonitor monitor, [FromServices] SyncJobRunner runner, CancellationToken ct) =>
            HealthAsync(new SyncHealthCheck(monitor, runner, Links.FromRoute(tenant)), ct));
    }

    private static IResult Json<T>(T value) => Results.Json(value, DashboardJson.Options);

    private static IResult NoTenant(string tenant) => Results.Problem(statusCode: 404, title: $"No job is registered for tenant '{tenant}'.");

    private static IResult NoJob(JobId job) => Results.Problem(statusCode: 404, title: $"No job is registered for {job}.");

    private static async Task<IResult> WithBody<T>(HttpContext context, DashboardQueries queries, Func<T, JobId> jobOf, Func<JobId, T, Task<IResult>> act)
        where T : class
    {
        T? body;
        try
        {
            body = await context.Request.ReadFromJsonAsync<T>(DashboardJson.Options, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Results.Problem(statusCode: 400, title: "The request body is not valid JSON for this action", detail: e.Message);
        }

        if (body is null)
        {
            return Results.Problem(statusCode: 400, title: "The request needs a JSON body.");
        }

        var job = jobOf(body);
        return queries.IsRegistered(job) ? await act(job, body).ConfigureAwait(false) : NoJob(job);
    }

    /// <summary>Runs an action; one the core refuses (a bad argument, a capability the job lacks) answers 400 with the reason.</summary>
    private static async Task<IResult> RefusedAs400Async(string title, Func<Task<IResult>> act)
    {
        try
        {
            return await act().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return Results.Problem(statusCode: 400, title: title, detail: e.Message);
        }
    }

    private static async Task<IResult> HealthAsync(SyncHealthCheck check, CancellationToken cancellationToken)
    {
        var registration = new HealthCheckRegistration("synckit", check, HealthStatus.Unhealthy, tags: null);
        var result = await check.CheckHealthAsync(new HealthCheckContext { Registration = registration }, cancellationToken).ConfigureAwait(false);
        var body = new { status = result.Status.ToString(), description = result.Description, jobs = result.Data };
        return Results.Json(body, DashboardJson.Options, statusCode: result.Status == HealthStatus.Unhealthy ? 503 : 200);
    }
}
