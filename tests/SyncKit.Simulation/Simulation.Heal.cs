namespace SyncKit.Simulation;

/// <summary>The final phase: every fault heals, and the job must converge on what the source holds.</summary>
internal sealed partial class Simulation
{
    private const int HealRounds = 60;

    private int _missedByPolling;

    private async Task HealAsync()
    {
        _plan.Faults.Healed = true;
        _trace.Add("heal: no more faults, crashes or changes");
        var lastCommit = _log.Versions.Count == 0 ? _time.GetUtcNow() : _log.Versions.Max(v => v.VisibleAt);
        if (lastCommit > _time.GetUtcNow())
        {
            Advance(lastCommit - _time.GetUtcNow());
        }

        await FinishOperationsAsync();

        // Late arrivals that became visible after the runs read past them are beyond polling (that is what reconciliation is
        // for); an operator re-reads from the start, as a full reconciliation would repair them.
        var missed = await _invariants.MissedByPollingAsync(_life.Job.Id);
        if (missed.Count > 0 && _plan.Horizon)
        {
            // Guarantee 15: reading below the horizon, polling misses no late commit, with no lookback at all.
            throw new ViolationException($"a source reading below its horizon lost {missed.Count} late commits to polling: {string.Join(", ", missed.Take(5).Select(v => $"{v.Key} v{v.Record.Version} at {v.Position}"))}");
        }

        if (missed.Count > 0)
        {
            _missedByPolling = missed.Count;
            _trace.Add($"heal: polling missed {missed.Count} late arrivals ({string.Join(", ", missed.Take(5).Select(v => $"{v.Key} v{v.Record.Version}"))}); re-reading from the start");
            Start(OperationKind.Reset, new CheckpointOperations(_life.Engine).ResetAsync(_life.Job.Id, null, Operator, "late arrivals"));
        }

        string? problem = null;
        for (var round = 0; round < HealRounds; round++)
        {
            await FinishOperationsAsync();
            problem = await _invariants.ConvergedAsync(_life.Job.Id);
            if (problem is null)
            {
                _trace.Add($"converged after {round} rounds");
                return;
            }

            // An operator retries every dead letter, parked ones included, then the schedule runs the job again.
            var deadLetters = await _host.Committed.DeadLetters.ListAsync(DeadLetterQuery.ForJob(_life.Job.Id) with { Limit = int.MaxValue }, CancellationToken.None);
            if (deadLetters.Count > 0 && round % 2 == 0)
            {
                Start(OperationKind.Retry, new DeadLetterOperations(_life.Engine).RetryNowAsync(_life.Job, [.. deadLetters.Select(d => d.RecordKey)], Operator));
            }
            else
            {
                StartSync();
            }

            // Long enough that holds a dead life left on a welcome (an hour) expire within the rounds.
            Advance(TimeSpan.FromMinutes(5));
        }

        throw new ViolationException($"after {HealRounds} rounds without faults the job did not converge: {problem}");
    }

    /// <summary>Releases calls oldest first, and moves the clock when only timers are left, until no operation is in flight.</summary>
    private async Task FinishOperationsAsync()
    {
        for (var guard = 0; _operations.Count > 0; guard++)
        {
            if (guard > 100_000)
            {
                throw new ViolationException($"operations never finished: {string.Join(", ", _operations)}");
            }

            await SettleAsync();
            if (_scheduler.Pending.Count > 0)
            {
                var point = _scheduler.Pending[0];
                _trace.Add($"release {point}");
                _scheduler.Release(point);
            }
            else if (_operations.Count > 0)
            {
                Advance(TimeSpan.FromSeconds(10));
            }
        }

        await SettleAsync();
    }
}
