using SyncKit.Simulation.World;

namespace SyncKit.Simulation.Checks;

/// <summary>
/// The guarantees, checked against the model of the world after every step of the driver and at the end of every
/// operation. Each throws a <see cref="ViolationException"/> that says what broke and where.
/// </summary>
internal sealed class Invariants(SeedPlan plan, SourceLog log, Observations seen, StoreHost host, TimeProvider time)
{
    private readonly HashSet<string> _runIds = new(StringComparer.Ordinal);

    // Health read outside every life, from what the store committed.
    private readonly SyncHealthMonitor _health = new(new SyncEngine(host.Committed, time));

    /// <summary>
    /// The state invariants: the checkpoint never passed a version polling owed and did not handle; no side effect ran
    /// twice unreported; the engine holds no more records than its window.
    /// </summary>
    public async Task CheckAsync(Life life)
    {
        var state = await CommittedState.ReadAsync(host, life.Job.Id);
        seen.Checkpoint = state.Checkpoint;
        var now = time.GetUtcNow();
        foreach (var key in log.Keys)
        {
            if (log.LatestVisible(key, now) is not { } latest || seen.IsWaived(latest) || state.Covers(latest))
            {
                continue;
            }

            // Checkpoint after commit (guarantee 1): a version polling owes is at the destination or in the queue before the checkpoint passes it.
            // A version stamped behind an older one of its key is beyond what a lookback source can order (the queue
            // keeps the entry at the later position, as a skip-older destination keeps the row): docs/guarantees.md
            // says so, and the seeds that read below the horizon hold the engine to it in full.
            if (state.Checkpoint is { } checkpoint && latest.Position.CompareTo(checkpoint) <= 0 && seen.IsOwed(latest, checkpoint)
                && (plan.Horizon || !log.IsStampedBehindAnOlderVersion(latest)))
            {
                throw new ViolationException($"the checkpoint {checkpoint} passed {Describe(latest)}, which polling read or started before: {state.Describe(latest.Key)}");
            }
        }

        foreach (var (key, statuses) in seen.Effects)
        {
            // Idempotency (guarantee 5): an effect repeats only where the store reported the earlier holder may have performed it.
            if (statuses.Count(s => s != DedupStatus.Reacquired) > 1)
            {
                throw new ViolationException($"the welcome of {key} was performed {statuses.Count} times ({string.Join(", ", statuses)}) without a reported crash window");
            }
        }

        // Evidence never lies (guarantee 16): a dead letter parked for an operator is a gap health reports.
        if (state.DeadLetters.Values.Any(d => d.Status == DeadLetterStatus.Parked))
        {
            var health = await _health.CheckAsync(new MonitoredJob(life.Job.Id, plan.Options));
            if (health.Status == JobHealthStatus.Healthy)
            {
                throw new ViolationException($"health is Healthy while parked dead letters wait for an operator: {string.Join("; ", health.Reasons)}");
            }
        }

        // Back-pressure (guarantee 9): the records between reading and committing stay within the job's window.
        var depth = life.TakeQueueDepth();
        if (depth > QueueBound)
        {
            throw new ViolationException($"the engine held {depth} records between reading and committing; its window allows {QueueBound}");
        }
    }

    /// <summary>Checks a finished operation's run record against what the world saw of it.</summary>
    public async Task CheckRunAsync(Operation operation, RunRecord record)
    {
        if (!_runIds.Add(record.RunId))
        {
            throw new ViolationException($"run id {record.RunId} of {operation} was used by an earlier run (evidence, guarantee 16)");
        }

        var stored = await host.Committed.Runs.GetRunAsync(record.RunId, CancellationToken.None);
        if (operation.Kind == OperationKind.Replay)
        {
            if (stored is not null || seen.Touched(record.RunId))
            {
                throw new ViolationException($"{operation} wrote: a replay must leave the destination and every store untouched");
            }

            return;
        }

        if (stored is null || stored.Outcome != record.Outcome || stored.Counts != record.Counts)
        {
            throw new ViolationException($"{operation} returned {record.Outcome} {record.Counts} but run history holds {stored?.Outcome.ToString() ?? "nothing"} {stored?.Counts}");
        }

        if (record.Outcome is not (RunOutcome.Succeeded or RunOutcome.CompletedWithDeadLetters) || operation.Kind is not (OperationKind.Sync or OperationKind.Backfill or OperationKind.Retry))
        {
            return;
        }

        // A run that says it finished handled everything it read: its counts are the destination's answers...
        var answers = seen.Touched(record.RunId) ? seen.Of(record.RunId) : new RunDeliveries();
        if (record.Counts.Written != answers.Written || record.Counts.Skipped != answers.Skipped || record.Counts.Deduplicated != answers.Deduplicated)
        {
            throw new ViolationException(
                $"{operation} ended {record.Outcome} reporting {record.Counts.Written} written, {record.Counts.Skipped} skipped, {record.Counts.Deduplicated} deduplicated, " +
                $"but the destination answered {answers.Written}, {answers.Skipped}, {answers.Deduplicated}");
        }

        // ...every record it read ended written, skipped, deduplicated or dead-lettered, besides dead letters it re-drove...
        var handled = record.Counts.Written + record.Counts.Skipped + record.Counts.Deduplicated + record.Counts.DeadLettered;
        var redriven = handled - record.Counts.Read;
        var mayRedrive = operation.Kind switch
        {
            OperationKind.Sync => plan.Options.DeadLetters.RedriveBatchLimit,
            OperationKind.Retry => long.MaxValue,
            _ => 0,
        };
        if (redriven < 0 || redriven > mayRedrive)
        {
            throw new ViolationException($"{operation} ended {record.Outcome} with counts that do not add up: {record.Counts}");
        }

        // ...and its checkpoint reached the furthest record it read (no record was left unhandled behind a success).
        if (operation.Probe?.FurthestRead is { } furthest && (record.CursorTo is null || record.CursorTo.CompareTo(furthest) < 0))
        {
            throw new ViolationException($"{operation} ended {record.Outcome} with the checkpoint at {record.CursorTo} but read up to {furthest}: records it read were left unhandled");
        }
    }

    /// <summary>
    /// The latest versions no run will read again, missing at the destination: late arrivals that became visible after
    /// the runs had read past them, further behind the checkpoint than its lookback (a version polling owed is a violation
    /// long before it gets there).
    /// </summary>
    public async Task<IReadOnlyList<SourceVersion>> MissedByPollingAsync(JobId job)
    {
        var state = await CommittedState.ReadAsync(host, job);
        var now = time.GetUtcNow();
        var rewound = state.Checkpoint?.Rewind(plan.Options.Lookback);
        return [.. log.Keys
            .Select(key => log.LatestVisible(key, now))
            .OfType<SourceVersion>()
            .Where(v => !seen.IsWaived(v) && !state.Covers(v) && rewound is not null && v.Position.CompareTo(rewound) <= 0)];
    }

    /// <summary>At the end, with every fault healed: every key holds its latest version at the destination and the queue is empty.</summary>
    public async Task<string?> ConvergedAsync(JobId job)
    {
        var state = await CommittedState.ReadAsync(host, job);
        var now = time.GetUtcNow();
        foreach (var key in log.Keys)
        {
            var latest = log.LatestVisible(key, now)!;
            if (!seen.IsWaived(latest) && (!state.Applied(latest) || state.DeadLetters.ContainsKey(key)))
            {
                return $"{Describe(latest)} did not converge: {state.Describe(key)}";
            }
        }

        var stray = state.DeadLetters.Values.FirstOrDefault(d => !seen.IsWaived(log.LatestVisible(d.RecordKey, now)!));
        return stray is null ? null : $"the dead letter of {stray.RecordKey} at {stray.Position} stayed in the queue";
    }

    private long QueueBound
    {
        get
        {
            // The reader waits while the queue and the batches being written fill the window, then reads one page more.
            var options = plan.Options;
            return options.QueueCapacity + ((long)options.Partitions * options.BatchSize) + options.PageSize;
        }
    }

    private static string Describe(SourceVersion version) =>
        $"{version.Key} v{version.Record.Version}{(version.Record.Deleted ? " (deleted)" : string.Empty)} at {version.Position}";
}
