namespace SyncKit;

/// <summary>A snapshot of one job's health, with the evidence it is based on.</summary>
public sealed record JobHealth
{
    /// <summary>The job.</summary>
    public required JobId Job { get; init; }

    /// <summary>The verdict.</summary>
    public required JobHealthStatus Status { get; init; }

    /// <summary>Why it is not healthy; empty when it is.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }

    /// <summary>When the snapshot was taken.</summary>
    public required DateTimeOffset CheckedAt { get; init; }

    /// <summary>The job's cadence, against which lag is judged.</summary>
    public required TimeSpan Cadence { get; init; }

    /// <summary>
    /// How far behind the job is: now minus the later of the checkpoint's timestamp and how far the last successful
    /// run reached, which is its source's <see cref="Horizon"/> when the source reports one (an open transaction that
    /// holds the horizon back shows as growing lag), else the run's start (a quiet source is not lagging);
    /// <see langword="null"/> before the first success.
    /// </summary>
    public TimeSpan? Lag { get; init; }

    /// <summary>
    /// The source's visibility horizon as of the last successful run, for sources that report one. Held back by an
    /// open transaction for longer than a cadence, it makes the job degraded, naming the transaction; lag measured from
    /// it makes the job stalled past the stall limit.
    /// </summary>
    public SourceHorizon? Horizon { get; init; }

    /// <summary>The checkpoint.</summary>
    public Cursor? Checkpoint { get; init; }

    /// <summary>When the last successful regular run (with or without dead letters) ended.</summary>
    public DateTimeOffset? LastSuccessAt { get; init; }

    /// <summary>How the last regular run ended.</summary>
    public RunOutcome? LastOutcome { get; init; }

    /// <summary>The dead-letter queue's size, parked entries included.</summary>
    public int DeadLetters { get; init; }

    /// <summary>How much the dead-letter queue grew over <see cref="SyncHealthOptions.DeadLetterGrowthWindow"/> (as far as this monitor has watched it).</summary>
    public int DeadLetterGrowth { get; init; }

    /// <summary>Whether parked dead letters wait for an operator.</summary>
    public bool HasParkedDeadLetters { get; init; }

    /// <summary>The job's circuit breakers.</summary>
    public JobBreakerStates Breakers { get; init; }

    /// <summary>The share of records processed over <see cref="SyncHealthOptions.ErrorBudgetWindow"/> that were dead-lettered.</summary>
    public double FailedShare { get; init; }

    /// <summary><see cref="FailedShare"/> ÷ <see cref="SyncHealthOptions.ErrorBudget"/>: above 1 the budget is burning faster than allowed.</summary>
    public double ErrorBudgetBurn { get; init; }

    /// <summary>Whether the latest reconciliation pass paused correction because the gap rate was above its threshold.</summary>
    public bool ReconciliationPaused { get; init; }

    /// <summary>How many gaps the newest reconciliation pass of either kind leaves open (the job is degraded while any is).</summary>
    public long UnrepairedGaps { get; init; }
}
