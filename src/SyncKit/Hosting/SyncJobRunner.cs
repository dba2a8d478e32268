using Microsoft.Extensions.Options;
using SyncKit.Hosting.Internal;

namespace SyncKit;

/// <summary>Runs registered jobs on demand; the hosted scheduler runs them through it too.</summary>
public sealed class SyncJobRunner
{
    private readonly IServiceProvider _services;
    private readonly SyncEngine _engine;
    private readonly IOptionsMonitor<SyncJobOptions> _options;
    private readonly Dictionary<string, IRegisteredJob> _jobs;
    private readonly Lazy<IReadOnlyList<JobId>> _jobIds;

    internal SyncJobRunner(IServiceProvider services, SyncEngine engine, IOptionsMonitor<SyncJobOptions> options, IEnumerable<IRegisteredJob> jobs)
    {
        _services = services;
        _engine = engine;
        _options = options;
        _jobs = [];
        foreach (var job in jobs)
        {
            if (!_jobs.TryAdd(job.Stream, job))
            {
                throw new InvalidOperationException($"SyncKit job '{job.Stream}' is registered twice; stream names must be unique.");
            }
        }

        _jobIds = new Lazy<IReadOnlyList<JobId>>(() => [.. _jobs.Values.SelectMany(j => j.Tenants(_services).Select(t => new JobId(t, j.Stream)))]);
    }

    /// <summary>Every registered job, one per stream and tenant.</summary>
    public IReadOnlyList<JobId> Jobs => _jobIds.Value;

    /// <summary>The options of a registered stream.</summary>
    /// <param name="stream">The stream.</param>
    /// <returns>Its validated options.</returns>
    public SyncJobOptions OptionsFor(string stream) => _options.Get(Registered(stream).Stream);

    /// <summary>Runs one job once, from its checkpoint.</summary>
    /// <param name="job">The job.</param>
    /// <param name="cancellationToken">Asks for a graceful stop (see <see cref="SyncEngine.RunAsync{T}"/>).</param>
    /// <returns>The run's record.</returns>
    public Task<RunRecord> RunAsync(JobId job, CancellationToken cancellationToken = default)
    {
        if (!Jobs.Contains(job))
        {
            throw new ArgumentException($"No SyncKit job is registered for tenant '{job.Tenant}' and stream '{job.Stream}'.", nameof(job));
        }

        var registered = Registered(job.Stream);
        return registered.RunAsync(_services, _engine, job.Tenant, _options.Get(job.Stream), cancellationToken);
    }

    private IRegisteredJob Registered(string stream) =>
        _jobs.TryGetValue(stream, out var job)
            ? job
            : throw new ArgumentException($"No SyncKit job is registered for stream '{stream}'.", nameof(stream));
}
