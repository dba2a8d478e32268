namespace SyncKit.TestPostgres.LateCommits;

/// <summary>
/// Runs one job again and again, a cadence apart, as the scheduler would, keeping every run's record; others can wait
/// for a run that satisfies a condition.
/// </summary>
public sealed class SyncLoop(SyncEngine engine, SyncJob<Invoice> job, TimeSpan cadence)
{
    private readonly List<RunRecord> _runs = [];
    private readonly List<(Func<RunRecord, bool> Condition, TaskCompletionSource<RunRecord> Signal)> _waiting = [];

    /// <summary>A job of the workload: pages of 500 (as the billing sync that found the late commits), the given lookback.</summary>
    public static SyncJob<Invoice> Job(string stream, ISource<Invoice> source, IDestination<Invoice> destination, TimeSpan lookback) =>
        new(new JobId("billing", stream), source, destination, new JsonRecordSerializer<Invoice>())
        {
            Options = new SyncJobOptions { Lookback = lookback, PageSize = 500, RetryBaseDelay = TimeSpan.FromMilliseconds(10) },
        };

    /// <summary>The runs so far.</summary>
    public IReadOnlyList<RunRecord> Runs
    {
        get
        {
            lock (_runs)
            {
                return [.. _runs];
            }
        }
    }

    /// <summary>The rows the job's runs read.</summary>
    public long RowsRead => Runs.Sum(r => r.Counts.Read);

    /// <summary>Runs the job until <paramref name="stop"/> is cancelled; a run in progress finishes.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var run = await engine.RunAsync(job, CancellationToken.None);
            lock (_runs)
            {
                _runs.Add(run);
                foreach (var waiter in _waiting.Where(w => w.Condition(run)).ToList())
                {
                    _waiting.Remove(waiter);
                    waiter.Signal.TrySetResult(run);
                }
            }

            try
            {
                await Task.Delay(cadence, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Waits for the first run, from now on, that ends satisfying <paramref name="condition"/>.</summary>
    /// <exception cref="TimeoutException">No such run ended within <paramref name="timeout"/>.</exception>
    public async Task<RunRecord> WaitForRunAsync(Func<RunRecord, bool> condition, TimeSpan timeout, string what)
    {
        var signal = new TaskCompletionSource<RunRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_runs)
        {
            _waiting.Add((condition, signal));
        }

        try
        {
            return await signal.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No run of {job.Id} {what} within {timeout}; its last run: {Runs.LastOrDefault()}");
        }
    }

    /// <summary>
    /// Waits for the first run that could read everything the writers committed: it started after they ended and, for
    /// a source that reports a horizon, read up to a horizon past their end.
    /// </summary>
    public Task<RunRecord> CaughtUpAsync(DateTimeOffset writersEnded, DateTimeOffset databaseEnded, TimeSpan timeout) =>
        WaitForRunAsync(r => r.StartedAt > writersEnded && (r.Horizon is null || r.Horizon.At > databaseEnded), timeout, "read everything the writers committed");

    /// <summary>Waits until the job's committed checkpoint is past <paramref name="stamp"/>: no later run reads anything stamped at or before it.</summary>
    public Task PolledPastAsync(DateTimeOffset stamp, TimeSpan timeout) =>
        WaitForRunAsync(r => r.CursorTo?.Timestamp > stamp, timeout, $"committed a checkpoint past {stamp:O}");
}
