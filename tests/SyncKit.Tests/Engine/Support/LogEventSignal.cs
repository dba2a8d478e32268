using Microsoft.Extensions.Logging;

namespace SyncKit.Tests.Engine.Support;

/// <summary>A logger provider that tells a test when a log event of the given name is written: a signal that code reached a point it logs.</summary>
public sealed class LogEventSignal(string eventName) : ILoggerProvider, ILogger
{
    private readonly TaskCompletionSource _logged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the event is first logged.</summary>
    public Task Logged => _logged.Task;

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Name == eventName)
        {
            _logged.TrySetResult();
        }
    }

    public void Dispose()
    {
    }
}
