using System.Threading.Channels;
using SyncKit.Internal;

namespace SyncKit.Engine.Internal;

/// <summary>A run's reading stage: pages from the source, split by key into the partitions' channels.</summary>
internal sealed partial class SyncRun<T>
{
    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var after = StartedFrom?.Rewind(_run.Options.Lookback);
            var context = new SourceReadContext(_run.Id, _run.Options.PageSize) { Lookback = _run.Options.Lookback };

            // The channels bound what waits to be written; this bounds what the run holds in all (the records waiting, the
            // batches being written, and the records done behind one still retried at the head), however keys fall into partitions.
            var window = _run.Options.QueueCapacity + (_run.Options.Partitions * _run.Options.BatchSize);
            while (true)
            {
                await _tracker.WaitForRoomAsync(window, cancellationToken).ConfigureAwait(false);
                var page = await ReadPageAsync(after, context, cancellationToken).ConfigureAwait(false);
                _run.Evidence.Read(page.Records.Count);
                Horizon = page.Horizon ?? Horizon;
                if (page.Records.Count > 0)
                {
                    var first = _tracker.RegisterRange(page.Records.Count, page.Records, static (records, i) => records[i].Position);
                    await SplitAsync(page.Records, first, cancellationToken).ConfigureAwait(false);
                }

                if (page.Next is { } next)
                {
                    _tracker.RegisterMarker(next);
                }

                if (!page.HasMore)
                {
                    return;
                }

                if (page.Records.Count == 0 && page.Next is null)
                {
                    throw new InvalidOperationException(
                        $"The source of {_run.Id} returned an empty page that says more follow but gave no Next cursor; reading on would loop forever.");
                }

                after = page.Next ?? page.Records[^1].Position;
            }
        }
        finally
        {
            foreach (var partition in _partitions)
            {
                partition.Writer.TryComplete();
            }
        }
    }

    /// <summary>
    /// Hands a page to the partitions: by key, in read order inside each, in chunks of at most
    /// <see cref="SyncJobOptions.BatchSize"/> records, so a partition's batch is always whole chunks.
    /// </summary>
    private async ValueTask SplitAsync(IReadOnlyList<SourceRecord<T>> records, long firstSequence, CancellationToken cancellationToken)
    {
        var batchSize = _run.Options.BatchSize;
        if (_partitions.Length == 1)
        {
            for (var offset = 0; offset < records.Count; offset += batchSize)
            {
                var chunk = Chunk<T>.Range(records, firstSequence, offset, Math.Min(batchSize, records.Count - offset));
                await _partitions[0].Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var open = new Chunk<T>?[_partitions.Length];
        for (var i = 0; i < records.Count; i++)
        {
            var p = (int)(StableHash.Of(records[i].Key) % (uint)_partitions.Length);
            var chunk = open[p] ??= Chunk<T>.Rent(records, firstSequence, Math.Min(batchSize, records.Count - i));
            if (chunk.Add(i) == batchSize)
            {
                open[p] = null;
                await _partitions[p].Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
        }

        for (var p = 0; p < open.Length; p++)
        {
            if (open[p] is { } chunk)
            {
                await _partitions[p].Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask<SourcePage<T>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await _sourcePipeline.ExecuteAsync(
                static (state, token) => state.Source.ReadPageAsync(state.After, state.Context, token),
                (Source: _run.Request.Source, After: after, Context: context),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var classification = _run.Resilience.Classifier.ClassifyOrDefault(ex);
            if (classification.Class.StopsJob())
            {
                _run.Evidence.Error(classification.Class);
                throw new JobStoppedException(classification.Class, $"Reading {_run.Id} failed: {ex.Message}", ex);
            }

            throw;
        }
    }
}
