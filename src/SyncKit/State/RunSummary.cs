namespace SyncKit;

/// <summary>The fields of a run that a health check reads: less than a <see cref="RunRecord"/>, so stores read fewer columns.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="Kind">What the run did.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended; <see langword="null"/> while running.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Error">Why it failed or stopped, when it did.</param>
/// <param name="Report">Its JSON report (<see cref="RunRecord.Report"/>), kept for reconciliation passes.</param>
public sealed record RunSummary(string RunId, RunKind Kind, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, RunOutcome Outcome, string? Error, string? Report)
{
    /// <summary>The source's visibility horizon as of the run's last page (<see cref="RunRecord.Horizon"/>).</summary>
    /// <value>Default <see langword="null"/>.</value>
    public SourceHorizon? Horizon { get; init; }

    /// <summary>The summary of a whole run record.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The summary.</returns>
    public static RunSummary Of(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new(run.RunId, run.Kind, run.StartedAt, run.EndedAt, run.Outcome, run.Error, run.Report) { Horizon = run.Horizon };
    }
}
