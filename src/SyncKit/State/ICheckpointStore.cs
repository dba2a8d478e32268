namespace SyncKit;

/// <summary>Keeps each job's checkpoint: the position up to which every record is durably handled.</summary>
public interface ICheckpointStore
{
    /// <summary>Reads a job's checkpoint.</summary>
    /// <param name="job">The job.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The checkpoint, or <see langword="null"/> when the job has none (it reads from the beginning).</returns>
    ValueTask<Cursor?> GetAsync(JobId job, CancellationToken cancellationToken);

    /// <summary>Stores a job's checkpoint, replacing the previous one.</summary>
    /// <param name="job">The job.</param>
    /// <param name="cursor">The new checkpoint.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the write is done (durable once its transaction commits).</returns>
    ValueTask SaveAsync(JobId job, Cursor cursor, CancellationToken cancellationToken);

    /// <summary>Removes a job's checkpoint, so its next run reads from the beginning.</summary>
    /// <param name="job">The job.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the write is done.</returns>
    ValueTask DeleteAsync(JobId job, CancellationToken cancellationToken);
}
