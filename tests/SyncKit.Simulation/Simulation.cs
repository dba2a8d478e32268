using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Simulation.Checks;
using SyncKit.Simulation.Scheduling;
using SyncKit.Simulation.World;

namespace SyncKit.Simulation;

/// <summary>
/// One seed: the real engine over a real store, driven through a few thousand steps the seed chooses — releasing one
/// parked call, moving the clock, changing the source, starting runs and operator actions, cancelling, crashing — with
/// the invariants checked after every step, and a final phase that heals every fault and checks that everything converged.
/// </summary>
internal sealed partial class Simulation : IAsyncDisposable
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Scheduler _scheduler;
    private readonly SeedPlan _plan;
    private readonly FakeTimeProvider _time;
    private readonly SourceLog _log;
    private readonly Observations _seen = new();
    private readonly StoreHost _host;
    private readonly Invariants _invariants;
    private readonly Trace _trace;
    private readonly List<Operation> _operations = [];
    private readonly Dictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly ILoggerFactory _logging;
    private Life _life = null!;
    private int _lives;
    private int _nextOperation;
    private int _crashes;

    private Simulation(Scheduler scheduler, SeedPlan plan, FakeTimeProvider time, StoreHost host, Trace trace)
    {
        _scheduler = scheduler;
        _time = time;
        _plan = plan;
        _host = host;
        _trace = trace;
        _log = new SourceLog(plan.Shape);
        _invariants = new Invariants(plan, _log, _seen, host, _time);
        _logging = LoggerFactory.Create(b => b.AddProvider(new TraceLogger(trace)));
        if (host.RealIo)
        {
            scheduler.CountBlockedCalls = host.CountLockWaitsAsync;
        }
    }

    /// <summary>Runs one seed to its end or its first broken guarantee.</summary>
    public static async Task<SeedResult> RunAsync(int seed, IReadOnlyList<StoreKind> stores, int steps, PlantedDefect planted, bool traceAll)
    {
        var scheduler = new Scheduler(seed);
        var plan = SeedPlan.Draw(seed, scheduler.Random, stores[scheduler.Random.Next(stores.Count)], steps, planted);
        var trace = new Trace(traceAll);
        trace.Add(plan.ToString());
        var time = new FakeTimeProvider(Epoch);
        var host = await StoreHost.CreateAsync(plan.Store, plan.Enlisted, time, seed);
        await using var simulation = new Simulation(scheduler, plan, time, host, trace);
        try
        {
            await simulation.RunAsync();
            return SeedResult.Passed(plan, trace, simulation.Summary());
        }
        catch (ViolationException violation)
        {
            return SeedResult.Failed(plan, trace, violation.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_life is not null)
        {
            await _life.Incarnation.DieAsync();
            await _host.CloseAsync(_life.Store);
            _life.Dispose();
        }

        await _host.DisposeAsync();
        _logging.Dispose();
    }

    private async Task RunAsync()
    {
        _life = await StartLifeAsync();
        for (var step = 0; step < _plan.Steps; step++)
        {
            await SettleAsync();
            await StepAsync();
        }

        await HealAsync();
    }

    /// <summary>Lets everything run that can, then checks what finished and the invariants.</summary>
    private async Task SettleAsync()
    {
        if (await _scheduler.QuiesceAsync() is > 0 and var blocked)
        {
            _trace.Add($"{blocked} database calls wait on locks held by parked transactions");
        }

        foreach (var point in _scheduler.TakeCancelled())
        {
            _trace.Add($"cancelled {point}");
        }

        await HarvestAsync();
        await _invariants.CheckAsync(_life);
    }

    private async Task<Life> StartLifeAsync()
    {
        _lives++;
        var life = await Life.StartAsync(_lives, _plan, _scheduler, _host, _log, _seen, _time, _logging);
        _trace.Add($"start {life.Incarnation}");
        return life;
    }

    /// <summary>Checks the operations of this life that finished.</summary>
    private async Task HarvestAsync()
    {
        foreach (var operation in _operations.Where(o => o.Task.IsCompleted).ToList())
        {
            _operations.Remove(operation);
            if (operation.Task.IsCanceled && operation.Stop is { IsCancellationRequested: true })
            {
                // Stopped while it waited for the job: it never started, and says so by throwing.
                _trace.Add($"{operation} stopped before it started");
                continue;
            }

            if (operation.Task.Exception is { } failure)
            {
                throw new ViolationException($"{operation} threw instead of reporting in its run record: {failure.InnerException}");
            }

            if (operation.Task.IsCanceled)
            {
                throw new ViolationException($"{operation} was cancelled though nobody asked it to stop");
            }

            var record = operation.Task.Result;
            _trace.Add($"{operation} ended {record.Outcome} {record.Counts} {record.Error}");
            var key = $"{operation.Kind} {record.Outcome}";
            _outcomes[key] = _outcomes.GetValueOrDefault(key) + 1;
            await _invariants.CheckRunAsync(operation, record);
        }
    }

    /// <summary>The process dies: nothing it had in flight goes on, its store connections close, and a new life starts.</summary>
    private async Task CrashAsync()
    {
        var dead = _life;
        _crashes++;
        _trace.Add($"crash {dead.Incarnation} with {_operations.Count} operations and {_scheduler.Pending.Count} calls in flight");
        await dead.Incarnation.DieAsync();
        _scheduler.Forget(dead.Incarnation);
        _operations.Clear();
        if (dead.Incarnation.UncompletedEffects.Count > 0)
        {
            var keys = dead.Incarnation.UncompletedEffects.ToList();
            var completed = await _host.Committed.Dedup.GetCompletedAsync(SimDestination.WelcomeScope, keys, CancellationToken.None);
            _seen.CrashWindows += keys.Count(k => !completed.Contains(k));
        }

        await _host.CloseAsync(dead.Store);
        dead.Dispose();
        _life = await StartLifeAsync();
    }

    private string Summary() =>
        $"{_trace.Steps} steps, {_log.Versions.Count} versions of {_log.Keys.Count()} keys, {_seen.Deliveries} deliveries, {_crashes} crashes " +
        $"({_seen.CrashWindows} crash windows), {_missedByPolling} late arrivals missed by polling, {string.Join(", ", _outcomes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Value} {p.Key}"))}";
}

/// <summary>How one seed ended.</summary>
internal sealed record SeedResult(SeedPlan Plan, bool Ok, string Fingerprint, string Report)
{
    public static SeedResult Passed(SeedPlan plan, Trace trace, string summary) => new(plan, true, trace.Fingerprint, summary);

    public static SeedResult Failed(SeedPlan plan, Trace trace, string violation) =>
        new(plan, false, trace.Fingerprint, $"{violation}\n  {plan}\n  last steps:\n    {string.Join("\n    ", trace.Recent)}");
}
