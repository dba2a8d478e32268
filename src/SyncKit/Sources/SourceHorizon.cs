namespace SyncKit;

/// <summary>
/// How far a source could read safely: every change stamped before <see cref="At"/> that will ever become visible is
/// visible now, while changes stamped at or after it may still be committing, so the source left them for a later
/// read. A SQL source's horizon is held back by the oldest transaction still open in its database.
/// </summary>
/// <remarks>
/// A source reports its horizon on each page (<see cref="SourcePage{T}.Horizon"/>); the engine keeps the last one in
/// the run's record (<see cref="RunRecord.Horizon"/>), and health measures a job's lag from it, so a horizon that an
/// old transaction holds back shows as growing lag with its cause, not as a healthy job that reads nothing.
/// </remarks>
/// <param name="At">The instant below which the source has read everything there will ever be.</param>
/// <param name="HeldBy">
/// What holds the horizon back, when something does (for example an open transaction: since when, its process and
/// its state); <see langword="null"/> when only the clock bounds it. Shown to operators, so it names no secrets.
/// </param>
public sealed record SourceHorizon(DateTimeOffset At, string? HeldBy = null);
