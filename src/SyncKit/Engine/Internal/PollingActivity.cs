namespace SyncKit.Engine.Internal;

/// <summary>
/// Counts the regular runs reading each source, so background work on the same source (reconciliation)
/// can wait its turn instead of competing with polling for the source's request budget.
/// </summary>
internal sealed class PollingActivity
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, (int Runs, TaskCompletionSource Idle)> _sources = new(StringComparer.Ordinal);

    /// <summary>Marks a regular run of <paramref name="source"/> as active until the result is disposed.</summary>
    public IDisposable Enter(string source)
    {
        lock (_sync)
        {
            _sources[source] = _sources.TryGetValue(source, out var active)
                ? (active.Runs + 1, active.Idle)
                : (1, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        return new Exit(this, source);
    }

    /// <summary>Completes when no regular run of <paramref name="source"/> is active.</summary>
    public Task WhenIdleAsync(string source, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return _sources.TryGetValue(source, out var active)
                ? active.Idle.Task.WaitAsync(cancellationToken)
                : Task.CompletedTask;
        }
    }

    private void Leave(string source)
    {
        lock (_sync)
        {
            var active = _sources[source];
            if (active.Runs > 1)
            {
                _sources[source] = (active.Runs - 1, active.Idle);
                return;
            }

            _sources.Remove(source);
            active.Idle.SetResult();
        }
    }

    private sealed class Exit(PollingActivity activity, string source) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                activity.Leave(source);
            }
        }
    }
}
