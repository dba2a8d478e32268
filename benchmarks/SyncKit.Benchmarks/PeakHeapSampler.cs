namespace SyncKit.Benchmarks;

/// <summary>Samples the managed heap size every millisecond on a thread of its own.</summary>
internal sealed class PeakHeapSampler : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stopped;
    private long _peak;

    public PeakHeapSampler()
    {
        _thread = new Thread(() =>
        {
            while (!_stopped)
            {
                Interlocked.Exchange(ref _peak, Math.Max(Interlocked.Read(ref _peak), GC.GetTotalMemory(false)));
                Thread.Sleep(1);
            }
        }) { IsBackground = true };
        _thread.Start();
    }

    public long Peak => Interlocked.Read(ref _peak);

    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
    }
}
