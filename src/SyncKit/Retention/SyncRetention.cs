using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SyncKit.Diagnostics.Internal;
using SyncKit.Retention.Internal;

namespace SyncKit;

/// <summary>
/// Deletes the history older than <see cref="RetentionOptions"/> allows from the state store: audit entries, then runs,
/// then dedup keys, each in batches of <see cref="RetentionOptions.BatchSize"/> rows. The host runs a pass every
/// <see cref="RetentionOptions.Interval"/>; call <see cref="PurgeAsync"/> to run one now.
/// </summary>
/// <remarks>
/// Each batch is one short write of its own, and after each the pass rests so its batches take at most
/// <see cref="RetentionOptions.WriterShare"/> of the time, so syncs keep committing while years of history are deleted. Passes never overlap
/// within a process; on PostgreSQL, passes of several hosts skip the rows another is deleting.
/// </remarks>
public sealed class SyncRetention
{
    private readonly ISyncStateStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private RetentionPass? _lastPass;

    /// <summary>Creates the retention of a store, for a program that runs passes itself; a host gets one from <c>AddSyncKit</c>.</summary>
    /// <param name="store">The state store whose history is purged.</param>
    /// <param name="options">The limits.</param>
    /// <param name="timeProvider">The clock; default the system's.</param>
    /// <param name="loggerFactory">Where passes are logged; default nowhere.</param>
    /// <exception cref="ArgumentException"><see cref="RetentionOptions.Audit"/> is longer than <see cref="RetentionOptions.Runs"/>.</exception>
    public SyncRetention(ISyncStateStore store, RetentionOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        if (!RetentionOptionsValidator.AuditWithinRuns(options))
        {
            throw new ArgumentException(RetentionOptionsValidator.AuditOutlivesRuns, nameof(options));
        }

        _store = store;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SyncRetention>();
        Options = options;
    }

    /// <summary>The limits in force.</summary>
    public RetentionOptions Options { get; }

    /// <summary>The latest pass of this process, or <see langword="null"/> before the first.</summary>
    public RetentionPass? LastPass => Volatile.Read(ref _lastPass);

    /// <summary>Runs one retention pass now, after any pass already running in this process.</summary>
    /// <param name="cancellationToken">Stops the pass between batches; what was deleted stays deleted.</param>
    /// <returns>What the pass deleted.</returns>
    /// <exception cref="Exception">The store failed; the pass is recorded in <see cref="LastPass"/> with the error, and what it deleted before stays deleted.</exception>
    public async Task<RetentionPass> PurgeAsync(CancellationToken cancellationToken = default)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await PurgeOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<RetentionPass> PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        long runs = 0, audit = 0, dedup = 0;
        try
        {
            // Audit first: runs past their own limit then carry no entries, so a batch of runs stays a small write.
            if (Options.Audit is { } auditLimit)
            {
                audit = await DrainAsync(limit => _store.Runs.PurgeAuditAsync(started - auditLimit, limit, cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            if (Options.Runs is { } runLimit)
            {
                runs = await DrainAsync(limit => _store.Runs.PurgeAsync(started - runLimit, limit, cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            if (Options.Dedup is { } dedupLimit)
            {
                dedup = await DrainAsync(limit => _store.Dedup.PurgeAsync(started - dedupLimit, limit, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Record(new RetentionPass(started, _time.GetUtcNow(), runs, audit, dedup, ErrorText.Clean(exception.Message)));
            Log.RetentionFailed(_logger, exception, runs, audit, dedup);
            throw;
        }

        var pass = Record(new RetentionPass(started, _time.GetUtcNow(), runs, audit, dedup, null));
        if (runs + audit + dedup > 0)
        {
            Log.RetentionPassed(_logger, runs, audit, dedup, pass.EndedAt - pass.StartedAt);
        }

        return pass;
    }

    // Batch after batch until one deletes nothing, resting after each so the batches take WriterShare of the time.
    private async Task<long> DrainAsync(Func<int, ValueTask<int>> purgeBatch, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            var started = _time.GetTimestamp();
            var deleted = await purgeBatch(Options.BatchSize).ConfigureAwait(false);
            if (deleted == 0)
            {
                return total;
            }

            total += deleted;
            var rest = _time.GetElapsedTime(started) * (1 / Options.WriterShare - 1);
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private RetentionPass Record(RetentionPass pass)
    {
        Volatile.Write(ref _lastPass, pass);
        return pass;
    }
}
