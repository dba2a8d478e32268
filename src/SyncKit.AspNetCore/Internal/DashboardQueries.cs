using Microsoft.Extensions.Options;

namespace SyncKit.AspNetCore.Internal;

/// <summary>Reads what the pages and the JSON API show, through the core's operator API. Both render the same models.</summary>
internal sealed class DashboardQueries(
    SyncEngine engine,
    SyncJobRunner runner,
    SyncHealthMonitor monitor,
    SyncRetention retention,
    IOptions<SyncKitDashboardOptions> options)
{
    private static readonly RunKind[] ReconciliationKinds = [RunKind.IncrementalReconciliation, RunKind.FullReconciliation];

    private readonly RunHistory _history = new(engine);
    private readonly CheckpointOperations _checkpoints = new(engine);
    private readonly DeadLetterOperations _deadLetters = new(engine);
    private readonly SyncKitDashboardOptions _options = options.Value;

    public SyncKitDashboardOptions Options => _options;

    /// <summary>The registered jobs, grouped by tenant in name order.</summary>
    public IReadOnlyList<IGrouping<string, JobId>> Tenants() =>
        [.. runner.Jobs.GroupBy(j => j.Tenant, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)];

    /// <summary>How long history is kept, and the latest purge.</summary>
    public RetentionView Retention() => RetentionView.Of(retention);

    /// <summary>Whether a job is registered.</summary>
    public bool IsRegistered(JobId job) => runner.Jobs.Contains(job);

    /// <summary>Every tenant's summary in tenant order, from one health check of all registered jobs.</summary>
    public async Task<IReadOnlyList<TenantSummary>> TenantsAsync(CancellationToken cancellationToken) =>
        Overview.Tenants(await HealthAsync(runner.Jobs, cancellationToken).ConfigureAwait(false));

    /// <summary>The overview's header and one page of tenants, worst first, from one health check of all registered jobs.</summary>
    public async Task<OverviewPage> OverviewAsync(OverviewFilter filter, CancellationToken cancellationToken) =>
        Overview.Page(await HealthAsync(runner.Jobs, cancellationToken).ConfigureAwait(false), filter, _options.Health);

    /// <summary>Everything about one tenant, or <see langword="null"/> when it has no registered job.</summary>
    public async Task<TenantDetail?> TenantAsync(string tenant, CancellationToken cancellationToken)
    {
        var jobs = Tenants().FirstOrDefault(g => g.Key == tenant);
        if (jobs is null)
        {
            return null;
        }

        var health = await HealthAsync(jobs, cancellationToken).ConfigureAwait(false);
        var lag = await LagSeriesAsync(jobs, cancellationToken).ConfigureAwait(false);
        var recent = await RunsAsync(new RunQuery { Tenant = tenant, Limit = _options.RecentRuns }, cancellationToken).ConfigureAwait(false);
        var errors = recent
            .SelectMany(r => r.ErrorsByClass)
            .GroupBy(e => e.Key)
            .OrderBy(g => g.Key)
            .ToDictionary(g => g.Key, g => g.Sum(e => e.Value));
        return new TenantDetail(tenant, health, lag, recent, errors, await ReconciliationsAsync(tenant, cancellationToken).ConfigureAwait(false));
    }

    public Task<IReadOnlyList<RunRecord>> RunsAsync(RunQuery query, CancellationToken cancellationToken) =>
        _history.QueryAsync(query, cancellationToken);

    /// <summary>A tenant's lag over time per job, or <see langword="null"/> when it has no registered job.</summary>
    public async Task<IReadOnlyList<LagSeries>?> LagAsync(string tenant, CancellationToken cancellationToken) =>
        Tenants().FirstOrDefault(g => g.Key == tenant) is { } jobs ? await LagSeriesAsync(jobs, cancellationToken).ConfigureAwait(false) : null;

    /// <summary>
    /// One run and a page of its audit trail, in the order the run wrote it: <paramref name="limit"/> entries (the
    /// options' page size when <see langword="null"/>) after <paramref name="after"/>, a previous page's next.
    /// </summary>
    public async Task<RunDetail?> RunAsync(string runId, long? after, int? limit, CancellationToken cancellationToken)
    {
        var run = await _history.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return null;
        }

        var query = new RunAuditQuery(runId) { After = after, Limit = Math.Clamp(limit ?? _options.RunAuditPageSize, 1, 100_000) };
        var audit = await _history.GetAuditTrailAsync(query, cancellationToken).ConfigureAwait(false);
        return new RunDetail(run, OperatorAction.FromRun(run), ReconciliationReport.FromRun(run), audit.Entries, audit.Next);
    }

    public Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string? tenant, string? stream, DeadLetterStatus? status, CancellationToken cancellationToken) =>
        _deadLetters.ListAsync(new DeadLetterQuery { Tenant = tenant, Stream = stream, Status = status, Limit = _options.DeadLetterLimit }, cancellationToken);

    public Task<CheckpointInfo> CheckpointAsync(JobId job, CancellationToken cancellationToken) =>
        _checkpoints.ShowAsync(job, cancellationToken);

    /// <summary>The jobs' health in tenant, then stream order, from one set-based read of the store.</summary>
    private Task<IReadOnlyList<JobHealth>> HealthAsync(IEnumerable<JobId> jobs, CancellationToken cancellationToken) =>
        monitor.CheckAllAsync(
            [.. jobs.OrderBy(j => j.Tenant, StringComparer.Ordinal).ThenBy(j => j.Stream, StringComparer.Ordinal).Select(j => new MonitoredJob(j, runner.OptionsFor(j)))],
            cancellationToken);

    private async Task<List<LagSeries>> LagSeriesAsync(IEnumerable<JobId> jobs, CancellationToken cancellationToken)
    {
        var series = new List<LagSeries>();
        foreach (var job in jobs.OrderBy(j => j.Stream, StringComparer.Ordinal))
        {
            var cadence = runner.OptionsFor(job).Cadence;
            var runs = await _history.QueryAsync(RunQuery.ForJob(job) with { Kind = RunKind.Sync, Limit = _options.LagChartRuns }, cancellationToken).ConfigureAwait(false);
            series.Add(new LagSeries(job.Stream, cadence, cadence * _options.Health.StalledAfterCadences, LagHistory.From(runs)));
        }

        return series;
    }

    private async Task<List<ReconciliationEntry>> ReconciliationsAsync(string tenant, CancellationToken cancellationToken)
    {
        var entries = new List<ReconciliationEntry>();
        foreach (var kind in ReconciliationKinds)
        {
            var runs = await _history.QueryAsync(new RunQuery { Tenant = tenant, Kind = kind, Limit = _options.ReconciliationReports }, cancellationToken).ConfigureAwait(false);
            entries.AddRange(runs.Select(r => (r, ReconciliationReport.FromRun(r))).Where(p => p.Item2 is not null).Select(p => new ReconciliationEntry(p.r.RunId, p.r.Job, p.Item2!)));
        }

        return [.. entries.OrderByDescending(e => e.Report.StartedAt)];
    }
}
