
namespace SyncKit;

/// <summary>A job's checkpoint as an operator sees it.</summary>
/// <param name="Job">The job.</param>
/// <param name="Position">The checkpoint, or <see langword="null"/> when the job reads from the beginning.</param>
/// <param name="Lag">Now minus the checkpoint's timestamp, when it has one.</param>
public sealed record CheckpointInfo(JobId Job, Cursor? Position, TimeSpan? Lag);
