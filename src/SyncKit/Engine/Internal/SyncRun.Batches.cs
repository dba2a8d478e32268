using System.Buffers;

namespace SyncKit.Engine.Internal;

/// <summary>What the writing stage hands around: batches, their attempts and what each settled.</summary>
internal sealed partial class SyncRun<T>
{
    /// <summary>The result of one attempt at a batch.</summary>
    /// <param name="Retry">Why some records are worth another attempt (transient or rate-limited, and the longest wait asked for), or <see langword="null"/>.</param>
    private readonly record struct BatchAttempt(ErrorClassification? Retry);

    /// <summary>
    /// Records and their sequence numbers, in read order. <see cref="Records"/> is the destination's to keep;
    /// <see cref="Sequences"/> may be longer than it (a pooled array, see <see cref="Gather"/>).
    /// </summary>
    private sealed class Batch(IReadOnlyList<SourceRecord<T>> records, long[] sequences, bool pooled = false)
    {
        public static Batch Empty { get; } = new(Array.Empty<SourceRecord<T>>(), []);

        public IReadOnlyList<SourceRecord<T>> Records { get; } = records;

        public int Count => Records.Count;

        public long[] Sequences { get; } = sequences;

        /// <summary>Gathers chunks of <paramref name="size"/> records in all into one batch, whose sequences come from the pool.</summary>
        public static Batch Gather(List<Chunk<T>> chunks, int size)
        {
            var pages = new IReadOnlyList<SourceRecord<T>>[chunks.Count];
            var ends = new int[chunks.Count];
            var indexes = new int[size];
            var sequences = ArrayPool<long>.Shared.Rent(size);
            var at = 0;
            for (var i = 0; i < chunks.Count; i++)
            {
                chunks[i].CopyTo(indexes, sequences, at);
                pages[i] = chunks[i].Page;
                at += chunks[i].Count;
                ends[i] = at;
            }

            return new Batch(new GatheredRecords<T>(pages, ends, indexes), sequences, pooled: true);
        }

        /// <summary>Returns pooled sequences; call once nothing reads them any more.</summary>
        public void Release()
        {
            if (pooled)
            {
                pooled = false;
                ArrayPool<long>.Shared.Return(Sequences);
            }
        }

        public Batch Slice(int offset, int length)
        {
            if (offset == 0 && length >= Count)
            {
                return this;
            }

            length = Math.Min(length, Count - offset);
            var records = new SourceRecord<T>[length];
            for (var i = 0; i < length; i++)
            {
                records[i] = Records[offset + i];
            }

            return new Batch(records, Sequences.AsSpan(offset, length).ToArray());
        }

        public Batch Select(List<int> indexes) =>
            new([.. indexes.Select(i => Records[i])], [.. indexes.Select(i => Sequences[i])]);
    }

    private sealed class BatchState(Batch pending)
    {
        /// <summary>The records not yet handled: the whole batch, then those the last attempt held for a retry.</summary>
        public Batch Pending { get; set; } = pending;

        /// <summary>The failure that held each record of <see cref="Pending"/> for a retry.</summary>
        public IReadOnlyList<RecordOutcome> Failures { get; set; } = [];

        /// <summary>The number of the attempt in progress or last made, as the pipeline's retry counts it.</summary>
        public int Attempt { get; set; }
    }

    /// <summary>What one attempt settled: the sequences now done (dead letters included) and what remains.</summary>
    private sealed class Settled(int capacity) : IDisposable
    {
        private readonly long[] _sequences = capacity == 0 ? [] : ArrayPool<long>.Shared.Rent(capacity);
        private int _count;
        private long _written;
        private long _skipped;
        private long _deduplicated;
        private List<string>? _samples;

        public ReadOnlySpan<long> Sequences => _sequences.AsSpan(0, _count);

        public List<(SourceRecord<T> Record, RecordOutcome Outcome)>? DeadLetters { get; private set; }

        public List<AuditEntry>? AuditEntries { get; private set; }

        public Batch Retry { get; set; } = Batch.Empty;

        public IReadOnlyList<RecordOutcome> RetryFailures { get; set; } = [];

        public TimeSpan? RetryAfter { get; set; }

        public ErrorClass RetryClass { get; set; } = ErrorClass.Transient;

        public int Attempts { get; init; }

        public (SourceRecord<T> Record, RecordOutcome Outcome)? Stop { get; set; }

        public (SourceRecord<T> Record, RecordOutcome Outcome)? Halt { get; set; }

        public void Done(long sequence) => _sequences[_count++] = sequence;

        public void DeadLetter(SourceRecord<T> record, long sequence, RecordOutcome outcome)
        {
            Done(sequence);
            (DeadLetters ??= []).Add((record, outcome));
        }

        public void Audit(AuditEntry entry) => (AuditEntries ??= []).Add(entry);

        /// <summary>Counts a record the destination wrote, skipped or deduplicated (its sequence is marked done separately).</summary>
        public void Handled(RecordOutcomeKind kind)
        {
            switch (kind)
            {
                case RecordOutcomeKind.Written:
                    _written++;
                    break;
                case RecordOutcomeKind.Skipped:
                    _skipped++;
                    break;
                default:
                    _deduplicated++;
                    break;
            }
        }

        public void Sample(string key) => (_samples ??= []).Add(key);

        /// <summary>Tells the run's evidence what this attempt handled, once its commit succeeded.</summary>
        public void ReportTo(RunEvidence evidence)
        {
            evidence.Handled(RecordOutcomeKind.Written, _written);
            evidence.Handled(RecordOutcomeKind.Skipped, _skipped);
            evidence.Handled(RecordOutcomeKind.Deduplicated, _deduplicated);
            _samples?.ForEach(evidence.Sample);
        }

        public void Dispose()
        {
            if (_sequences.Length > 0)
            {
                ArrayPool<long>.Shared.Return(_sequences);
            }
        }
    }
}
