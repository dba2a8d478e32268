using SyncKit.Simulation.World;

namespace SyncKit.Simulation;

/// <summary>The driver's choices: what happens next in the world, drawn from the seed.</summary>
internal sealed partial class Simulation
{
    private const string Operator = "operator";

    private async Task StepAsync()
    {
        var random = _scheduler.Random;
        var roll = random.Next(100);
        var done = roll switch
        {
            < 55 => Release(),
            < 67 => Advance(),
            < 77 => ChangeSource(),
            < 85 => StartSync(),
            < 87 => await RetryDeadLettersAsync(),
            < 88 => await DiscardDeadLettersAsync(),
            < 89 => ResetCheckpoint(),
            < 91 => RunWindow(OperationKind.Backfill),
            < 93 => RunWindow(OperationKind.Replay),
            < 95 => CancelSync(),
            < 96 => await CrashedAsync(),
            _ => false,
        };
        if (!done)
        {
            Advance(TimeSpan.FromMilliseconds(random.Next(1, 2_000)));
        }
    }

    private bool Release()
    {
        var pending = _scheduler.Pending;
        if (pending.Count == 0)
        {
            return false;
        }

        var point = pending[_scheduler.Random.Next(pending.Count)];
        _trace.Add($"release {point}");
        _scheduler.Release(point);
        return true;
    }

    private bool Advance()
    {
        var random = _scheduler.Random;
        var roll = random.Next(10);
        var by = roll < 6 ? TimeSpan.FromMilliseconds(random.Next(1, 2_000))
            : roll < 9 ? TimeSpan.FromSeconds(random.Next(1, 60))
            : TimeSpan.FromMinutes(random.Next(1, 15));
        Advance(by);
        return true;
    }

    private void Advance(TimeSpan by)
    {
        _trace.Add($"advance {by}");
        _time.Advance(by);
    }

    /// <summary>Commits a few changes at the source: new keys, updates, deletes; now and then one that commits late.</summary>
    private bool ChangeSource()
    {
        var random = _scheduler.Random;
        var now = _time.GetUtcNow();
        var late = _plan.LateCommits;
        for (var i = random.Next(1, 5); i > 0; i--)
        {
            var known = _log.Keys.Count();
            var key = known == 0 || (known < _plan.MaxKeys && random.Next(3) == 0)
                ? _plan.KeyName(known + 1)
                : _plan.KeyName(random.Next(1, known + 1));
            var exists = _log.Keys.Contains(key);
            var deleted = exists && !_log.Latest(key).Record.Deleted && random.Next(10) == 0;
            var (stampedAt, visibleAt) = random.Next(10) switch
            {
                // Stamped earlier, committed now: a clock that lagged. (A transaction that stays open is stamped now and
                // commits later, below: while it is open it holds a horizon back.)
                0 when late > TimeSpan.Zero && !_plan.Horizon => (now - (late * random.NextDouble()), now),

                // Stamped now, committed later: readers see it only then.
                1 when late > TimeSpan.Zero => (now, now + (late * random.NextDouble())),
                _ => (now, now),
            };
            var version = _log.Add(key, stampedAt, visibleAt, deleted, poison: random.NextDouble() < _plan.Faults.Poison);
            _trace.Add($"source: {key} v{version.Record.Version}{(deleted ? " deleted" : string.Empty)} at {version.Position}, visible {visibleAt:HH:mm:ss.fff}");
        }

        return true;
    }

    private bool StartSync()
    {
        if (_operations.Any(o => o.Kind == OperationKind.Sync))
        {
            // The scheduler never runs one job twice at once in a process.
            return false;
        }

        var life = _life;
        var probe = new SyncRunProbe();
        var stop = new CancellationTokenSource();
        life.Incarnation.CurrentSync = probe;
        Start(OperationKind.Sync, SyncAsync(), stop, probe);
        return true;

        async Task<RunRecord> SyncAsync()
        {
            try
            {
                return await life.Engine.RunAsync(life.Job, stop.Token);
            }
            finally
            {
                if (life.Incarnation.CurrentSync == probe)
                {
                    life.Incarnation.CurrentSync = null;
                }
            }
        }
    }

    private async Task<bool> RetryDeadLettersAsync()
    {
        var chosen = await ChooseDeadLettersAsync();
        if (chosen.Count == 0)
        {
            return false;
        }

        Start(OperationKind.Retry, new DeadLetterOperations(_life.Engine).RetryNowAsync(_life.Job, [.. chosen.Select(d => d.RecordKey)], Operator));
        return true;
    }

    private async Task<bool> DiscardDeadLettersAsync()
    {
        var chosen = await ChooseDeadLettersAsync();
        if (chosen.Count == 0)
        {
            return false;
        }

        // The operator gives up the versions they saw; anything newer must survive the discard.
        chosen.ForEach(d => _seen.Waive(d.RecordKey, d.Position));
        Start(OperationKind.Discard, new DeadLetterOperations(_life.Engine).DiscardAsync(_life.Job.Id, [.. chosen.Select(DeadLetterId.Of)], Operator, "simulated"));
        return true;
    }

    /// <summary>Moves the checkpoint back (or removes it): never loses anything, only re-reads.</summary>
    private bool ResetCheckpoint()
    {
        // The operator picks the target behind the checkpoint they see. Another reset still in flight may move it
        // further back first, and this one would then skip forward: what an operator does only on purpose.
        if (_operations.Any(o => o.Kind == OperationKind.Reset))
        {
            return false;
        }

        var checkpoint = _seen.Checkpoint;
        var behind = checkpoint is null ? [] : _log.Versions.Where(v => v.Position.CompareTo(checkpoint) <= 0).ToList();
        Cursor? target = behind.Count == 0 || _scheduler.Random.Next(3) == 0 ? null : behind[_scheduler.Random.Next(behind.Count)].Position;
        Start(OperationKind.Reset, new CheckpointOperations(_life.Engine).ResetAsync(_life.Job.Id, target, Operator, "simulated"));
        return true;
    }

    private bool RunWindow(OperationKind kind)
    {
        if (_log.Versions.Count == 0)
        {
            return false;
        }

        var random = _scheduler.Random;
        var from = _log.Versions[random.Next(_log.Versions.Count)].Position.Timestamp!.Value - TimeSpan.FromSeconds(random.Next(60));
        var to = from + TimeSpan.FromSeconds(random.Next(1, 600));
        var windows = new WindowOperations(_life.Engine);
        Start(kind, kind == OperationKind.Backfill ? windows.BackfillAsync(_life.Job, from, to) : ReplayAsync());
        return true;

        async Task<RunRecord> ReplayAsync() => (await windows.ReplayAsync(_life.Job, from, to)).Run;
    }

    private bool CancelSync()
    {
        if (_operations.FirstOrDefault(o => o.Kind == OperationKind.Sync) is not { Stop: { } stop } sync || stop.IsCancellationRequested)
        {
            return false;
        }

        _trace.Add($"stop {sync}");
        stop.Cancel();
        return true;
    }

    private async Task<bool> CrashedAsync()
    {
        await CrashAsync();
        return true;
    }

    private async Task<List<DeadLetter>> ChooseDeadLettersAsync()
    {
        var entries = await _host.Committed.DeadLetters.ListAsync(DeadLetterQuery.ForJob(_life.Job.Id) with { Limit = int.MaxValue }, CancellationToken.None);
        var random = _scheduler.Random;
        return [.. entries.Where(_ => random.Next(2) == 0)];
    }

    private void Start(OperationKind kind, Task<RunRecord> task, CancellationTokenSource? stop = null, SyncRunProbe? probe = null)
    {
        var operation = new Operation(++_nextOperation, kind, _life, task, stop, probe);
        _trace.Add($"start {operation}");
        _operations.Add(operation);
    }
}
