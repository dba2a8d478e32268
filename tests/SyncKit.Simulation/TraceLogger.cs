using Microsoft.Extensions.Logging;

namespace SyncKit.Simulation;

/// <summary>The engine's log as steps of the trace: what it decided shows beside what the driver did, and counts in the fingerprint.</summary>
internal sealed class TraceLogger(Trace trace) : ILoggerProvider, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            trace.Add($"  log {eventId.Id}: {formatter(state, exception)}");
        }
    }

    public void Dispose()
    {
    }
}
