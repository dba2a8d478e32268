using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using static SyncKit.SyncKitDiagnostics;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// Shows a sync's progress while it runs, from the engine's <c>SyncKit</c> meter: records per second, and per
/// tenant and resource what was read, written, skipped, retried and dead-lettered. On a terminal the table is
/// redrawn in place; when output is redirected it prints one plain <c>progress</c> line per interval instead.
/// </summary>
internal sealed class LiveProgress : IAsyncDisposable
{
    private static readonly string[] Counted =
    [
        Instruments.RecordsRead, Instruments.RecordsWritten, Instruments.RecordsSkipped, Instruments.RecordsDeduplicated,
        Instruments.Retries, Instruments.RecordsDeadLettered,
    ];

    private readonly ConcurrentDictionary<JobId, JobTally> _jobs = new();
    private readonly MeterListener _listener = new();
    private readonly TextWriter _output;
    private readonly bool _inPlace;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _lastRead;
    private long _lastAt;
    private int _linesDrawn;

    private LiveProgress(IEnumerable<JobId> jobs, TextWriter output, bool inPlace, TimeSpan interval, TimeProvider time)
    {
        foreach (var job in jobs)
        {
            _jobs[job] = new JobTally();
        }

        _output = output;
        _inPlace = inPlace;
        _time = time;
        _started = _lastAt = time.GetTimestamp();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == Name && Counted.Contains(instrument.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
        _loop = DrawEveryAsync(interval);
    }

    /// <summary>
    /// Starts showing progress for <paramref name="jobs"/> (others that report are added as they appear): redrawn in
    /// place when <paramref name="output"/> is the console and not redirected, else as plain lines.
    /// </summary>
    public static LiveProgress Start(IEnumerable<JobId> jobs, TextWriter output, TimeProvider time)
    {
        var inPlace = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        return new LiveProgress(jobs, output, inPlace, inPlace ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(1), time);
    }

    /// <summary>Stops, after drawing the final numbers.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _listener.Dispose();
        _stop.Dispose();
        Draw();
    }

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? tenant = null;
        string? stream = null;
        foreach (var tag in tags)
        {
            if (tag.Key == Tags.Tenant)
            {
                tenant = tag.Value as string;
            }
            else if (tag.Key == Tags.Stream)
            {
                stream = tag.Value as string;
            }
        }

        if (tenant is not null && stream is not null)
        {
            _jobs.GetOrAdd(new JobId(tenant, stream), _ => new JobTally()).Add(instrument.Name, value);
        }
    }

    private async Task DrawEveryAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Draw();
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: the last draw follows.
        }
    }

    private void Draw()
    {
        var now = _time.GetTimestamp();
        var jobs = _jobs.OrderBy(p => p.Key.Tenant, StringComparer.Ordinal).ThenBy(p => p.Key.Stream, StringComparer.Ordinal).ToList();
        var read = jobs.Sum(p => p.Value.Read);
        var seconds = _time.GetElapsedTime(_lastAt, now).TotalSeconds;
        var rate = seconds > 0 ? (read - _lastRead) / seconds : 0;
        (_lastRead, _lastAt) = (read, now);
        var elapsed = _time.GetElapsedTime(_started, now).TotalSeconds;
        var retries = jobs.Sum(p => p.Value.Retries);
        var deadLettered = jobs.Sum(p => p.Value.DeadLettered);
        var headline = Text($"{elapsed,6:0.0} s  {rate,7:#,0} records/s  read {read:#,0}  retries {retries:#,0}  DLQ {deadLettered:#,0}");

        if (!_inPlace)
        {
            var perJob = string.Join("  ", jobs.Select(p => Text($"{p.Key}={p.Value.Written + p.Value.Skipped}")));
            _output.WriteLine($"progress {headline.Trim()}  |  written {perJob}");
            return;
        }

        var lines = new List<string> { headline, Text($"{"tenant",-10} {"resource",-10} {"records/s",9} {"read",8} {"written",8} {"skipped",8} {"retries",8} {"DLQ",6}") };
        lines.AddRange(jobs.Select(p => Text($"{p.Key.Tenant,-10} {p.Key.Stream,-10} {p.Value.RateSinceLastDraw(seconds),9:#,0} {p.Value.Read,8:#,0} {p.Value.Written,8:#,0} {p.Value.Skipped,8:#,0} {p.Value.Retries,8:#,0} {p.Value.DeadLettered,6:#,0}")));

        // Move back over the previous drawing and overwrite it line by line.
        var redraw = new System.Text.StringBuilder();
        if (_linesDrawn > 0)
        {
            redraw.Append(CultureInfo.InvariantCulture, $"\u001b[{_linesDrawn}F");
        }

        foreach (var line in lines)
        {
            redraw.Append("\u001b[2K").Append(line).Append('\n');
        }

        _output.Write(redraw.ToString());
        _output.Flush();
        _linesDrawn = lines.Count;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One job's counts; updated from any thread.</summary>
    private sealed class JobTally
    {
        private long _read;
        private long _written;
        private long _skipped;
        private long _retries;
        private long _deadLettered;
        private long _readAtLastDraw;

        public long Read => Interlocked.Read(ref _read);

        public long Written => Interlocked.Read(ref _written);

        public long Skipped => Interlocked.Read(ref _skipped);

        public long Retries => Interlocked.Read(ref _retries);

        public long DeadLettered => Interlocked.Read(ref _deadLettered);

        /// <summary>Records read per second since the last call (called once per drawing, from the drawing loop).</summary>
        public double RateSinceLastDraw(double seconds)
        {
            var read = Read;
            var rate = seconds > 0 ? (read - _readAtLastDraw) / seconds : 0;
            _readAtLastDraw = read;
            return rate;
        }

        public void Add(string instrument, long value)
        {
            switch (instrument)
            {
                case Instruments.RecordsRead:
                    Interlocked.Add(ref _read, value);
                    break;
                case Instruments.RecordsWritten:
                    Interlocked.Add(ref _written, value);
                    break;
                case Instruments.RecordsSkipped or Instruments.RecordsDeduplicated:
                    Interlocked.Add(ref _skipped, value);
                    break;
                case Instruments.Retries:
                    Interlocked.Add(ref _retries, value);
                    break;
                default:
                    Interlocked.Add(ref _deadLettered, value);
                    break;
            }
        }
    }
}
