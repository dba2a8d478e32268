using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SyncKit;

/// <summary>
/// Reports the health of a set of jobs (all of a host's, one tenant's, or one) to ASP.NET Core health checks: the
/// worst job decides. A stalled job reports the registration's failure status, a degraded one
/// <see cref="HealthStatus.Degraded"/>; the data holds every job's status.
/// </summary>
public sealed class SyncHealthCheck : IHealthCheck
{
    private readonly SyncHealthMonitor _monitor;
    private readonly Func<IEnumerable<MonitoredJob>> _jobs;

    /// <summary>Creates a check over the given jobs.</summary>
    /// <param name="monitor">Judges each job.</param>
    /// <param name="jobs">The jobs, enumerated again at every check.</param>
    public SyncHealthCheck(SyncHealthMonitor monitor, IEnumerable<MonitoredJob> jobs)
    {
        _monitor = monitor ?? throw new ArgumentNullException(nameof(monitor));
        ArgumentNullException.ThrowIfNull(jobs);
        _jobs = () => jobs;
    }

    /// <summary>Creates a check over the jobs a host registered, optionally one tenant's only.</summary>
    /// <param name="monitor">Judges each job.</param>
    /// <param name="runner">The host's registered jobs.</param>
    /// <param name="tenant">Only this tenant's jobs; <see langword="null"/> checks all.</param>
    public SyncHealthCheck(SyncHealthMonitor monitor, SyncJobRunner runner, string? tenant = null)
    {
        _monitor = monitor ?? throw new ArgumentNullException(nameof(monitor));
        ArgumentNullException.ThrowIfNull(runner);
        _jobs = () => runner.Jobs
            .Where(j => tenant is null || j.Tenant == tenant)
            .Select(j => new MonitoredJob(j, runner.OptionsFor(j)));
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var problems = new List<string>();
        var worst = JobHealthStatus.Healthy;
        foreach (var health in await _monitor.CheckAllAsync([.. _jobs()], cancellationToken).ConfigureAwait(false))
        {
            data[health.Job.ToString()] = health.Status.ToString();
            if (health.Status != JobHealthStatus.Healthy)
            {
                problems.Add($"{health.Job} {health.Status}: {string.Join("; ", health.Reasons)}");
                worst = health.Status > worst ? health.Status : worst;
            }
        }

        var description = problems.Count == 0 ? $"{data.Count} job(s) healthy" : string.Join(Environment.NewLine, problems);
        return worst switch
        {
            JobHealthStatus.Stalled => new HealthCheckResult(context.Registration.FailureStatus, description, data: data),
            JobHealthStatus.Degraded => HealthCheckResult.Degraded(description, data: data),
            _ => HealthCheckResult.Healthy(description, data),
        };
    }
}
