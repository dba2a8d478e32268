using SyncKit.Diagnostics.Internal;

namespace SyncKit.Engine.Internal;

/// <summary>A run's counters, updated concurrently by its stages and mirrored to the meter when there is one.</summary>
internal sealed class RunEvidence(JobId job, SyncKitMetrics? metrics)
{
    private const int SampleSize = 5;
    private readonly long[] _errors = new long[Enum.GetValues<ErrorClass>().Length];
    private readonly List<string> _samples = new(SampleSize);
    private long _read;
    private long _written;
    private long _skipped;
    private long _deduplicated;
    private long _retried;
    private long _deadLettered;
    private bool _sampled;

    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    public void Read(int count)
    {
        Interlocked.Add(ref _read, count);
        metrics?.RecordsRead.Add(count, SyncKitMetrics.TagsFor(job));
    }

    public void Handled(string key, RecordOutcomeKind kind)
    {
        Handled(kind, 1);
        Sample(key);
    }

    /// <summary>Counts <paramref name="count"/> records with one outcome (one meter call per batch, not per record).</summary>
    public void Handled(RecordOutcomeKind kind, long count)
    {
        if (count == 0)
        {
            return;
        }

        switch (kind)
        {
            case RecordOutcomeKind.Written:
                Interlocked.Add(ref _written, count);
                metrics?.RecordsWritten.Add(count, SyncKitMetrics.TagsFor(job));
                break;
            case RecordOutcomeKind.Skipped:
                Interlocked.Add(ref _skipped, count);
                metrics?.RecordsSkipped.Add(count, SyncKitMetrics.TagsFor(job));
                break;
            case RecordOutcomeKind.Deduplicated:
                Interlocked.Add(ref _deduplicated, count);
                metrics?.RecordsDeduplicated.Add(count, SyncKitMetrics.TagsFor(job));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only successful outcomes are handled.");
        }
    }

    public void DeadLetter(string key)
    {
        Interlocked.Increment(ref _deadLettered);
        metrics?.RecordsDeadLettered.Add(1, SyncKitMetrics.TagsFor(job));
        Sample(key);
    }

    public void Retried()
    {
        Interlocked.Increment(ref _retried);
        metrics?.Retries.Add(1, SyncKitMetrics.TagsFor(job));
    }

    public void Error(ErrorClass errorClass)
    {
        Interlocked.Increment(ref _errors[(int)errorClass]);
        var tags = SyncKitMetrics.TagsFor(job);
        tags.Add(SyncKitDiagnostics.Tags.ErrorClass, errorClass.ToString());
        metrics?.Errors.Add(1, tags);
    }

    public RunCounts Counts() => new(
        Interlocked.Read(ref _read),
        Interlocked.Read(ref _written),
        Interlocked.Read(ref _skipped),
        Interlocked.Read(ref _deduplicated),
        Interlocked.Read(ref _retried),
        Interlocked.Read(ref _deadLettered));

    public IReadOnlyDictionary<ErrorClass, long> ErrorsByClass() =>
        Enum.GetValues<ErrorClass>()
            .Where(c => Interlocked.Read(ref _errors[(int)c]) > 0)
            .ToDictionary(c => c, c => Interlocked.Read(ref _errors[(int)c]));

    public IReadOnlyList<string> Samples()
    {
        lock (_samples)
        {
            return [.. _samples];
        }
    }

    public void Sample(string key)
    {
        if (Volatile.Read(ref _sampled))
        {
            return;
        }

        lock (_samples)
        {
            if (_samples.Count < SampleSize)
            {
                _samples.Add(key);
            }

            Volatile.Write(ref _sampled, _samples.Count == SampleSize);
        }
    }
}
