using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace SyncKit.Benchmarks.Engine;

/// <summary>
/// Metrics and logging switched on the way a host has them: a listener that records every <c>SyncKit</c>
/// measurement, and loggers enabled at Information that write nowhere (so the cost measured is the engine's,
/// not a console's).
/// </summary>
public sealed class EngineInstrumentation : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _measurements;

    public EngineInstrumentation()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "SyncKit")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _listener.SetMeasurementEventCallback<int>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _listener.Start();
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddProvider(new DiscardingLoggerProvider()));
    }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>How many measurements the listener saw (proves metrics were recorded).</summary>
    public long Measurements => Interlocked.Read(ref _measurements);

    public void Dispose()
    {
        _listener.Dispose();
        LoggerFactory.Dispose();
    }

    private sealed class DiscardingLoggerProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new DiscardingLogger();

        public void Dispose()
        {
        }
    }

    private sealed class DiscardingLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _ = formatter(state, exception);
    }
}
