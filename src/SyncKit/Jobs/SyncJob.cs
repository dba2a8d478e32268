using System.Diagnostics.CodeAnalysis;

namespace SyncKit;

/// <summary>Everything one run of a job needs: which job, where it reads, where it writes, and how.</summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class SyncJob<T>
{
    /// <summary>Creates a job description with JSON dead-letter payloads.</summary>
    /// <param name="id">The job.</param>
    /// <param name="source">Where it reads.</param>
    /// <param name="destination">Where it writes.</param>
    [RequiresUnreferencedCode("Uses reflection-based JSON for dead-letter payloads; pass an IRecordSerializer for trimming.")]
    [RequiresDynamicCode("Uses reflection-based JSON for dead-letter payloads; pass an IRecordSerializer for AOT.")]
    public SyncJob(JobId id, ISource<T> source, IDestination<T> destination)
        : this(id, source, destination, new JsonRecordSerializer<T>())
    {
    }

    /// <summary>Creates a job description.</summary>
    /// <param name="id">The job.</param>
    /// <param name="source">Where it reads.</param>
    /// <param name="destination">Where it writes.</param>
    /// <param name="serializer">How records are kept in the dead-letter queue.</param>
    public SyncJob(JobId id, ISource<T> source, IDestination<T> destination, IRecordSerializer<T> serializer)
    {
        ArgumentException.ThrowIfNullOrEmpty(id.Tenant, nameof(id));
        ArgumentException.ThrowIfNullOrEmpty(id.Stream, nameof(id));
        Id = id;
        Source = source ?? throw new ArgumentNullException(nameof(source));
        Destination = destination ?? throw new ArgumentNullException(nameof(destination));
        Serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
    }

    /// <summary>The job.</summary>
    public JobId Id { get; }

    /// <summary>Where it reads.</summary>
    public ISource<T> Source { get; }

    /// <summary>Where it writes.</summary>
    public IDestination<T> Destination { get; }

    /// <summary>How records are kept in the dead-letter queue.</summary>
    public IRecordSerializer<T> Serializer { get; }

    /// <summary>How reconciliation compares a record's fields with the destination's row (drift detection).</summary>
    /// <value>Default <see langword="null"/>: a <see cref="JsonFieldComparer{T}"/> over <see cref="Serializer"/>.</value>
    public IFieldComparer<T>? FieldComparer { get; init; }

    /// <summary>How it reads, writes, retries and commits.</summary>
    /// <value>Default: <see cref="SyncJobOptions"/>' defaults.</value>
    public SyncJobOptions Options { get; init; } = new();
}
