using System.Reflection;

namespace SyncKit;

/// <summary>The names SyncKit's telemetry uses, for hosts that wire OpenTelemetry or filter logs.</summary>
public static class SyncKitDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> and the <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string Name = "SyncKit";

    /// <summary>
    /// The version of the <see cref="System.Diagnostics.Metrics.Meter"/> and the <see cref="System.Diagnostics.ActivitySource"/>
    /// (OpenTelemetry's instrumentation scope version): the package's version, without build metadata.
    /// </summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>Instrument names.</summary>
    public static class Instruments
    {
        /// <summary>Records read from sources (<c>{record}</c>).</summary>
        public const string RecordsRead = "synckit.records.read";

        /// <summary>Records written to destinations (<c>{record}</c>).</summary>
        public const string RecordsWritten = "synckit.records.written";

        /// <summary>Records skipped as stale (<c>{record}</c>).</summary>
        public const string RecordsSkipped = "synckit.records.skipped";

        /// <summary>Records whose effect had already happened (<c>{record}</c>).</summary>
        public const string RecordsDeduplicated = "synckit.records.deduplicated";

        /// <summary>Records dead-lettered (<c>{record}</c>).</summary>
        public const string RecordsDeadLettered = "synckit.records.dead_lettered";

        /// <summary>Retry attempts (<c>{attempt}</c>).</summary>
        public const string Retries = "synckit.retries";

        /// <summary>Failures by class (<c>{error}</c>).</summary>
        public const string Errors = "synckit.errors";

        /// <summary>Runs by outcome (<c>{run}</c>).</summary>
        public const string Runs = "synckit.runs";

        /// <summary>Batch write-and-commit duration (<c>s</c>).</summary>
        public const string BatchDuration = "synckit.batch.duration";

        /// <summary>Now minus the checkpoint's timestamp (<c>s</c>).</summary>
        public const string Lag = "synckit.lag";

        /// <summary>Records read but not yet committed (<c>{record}</c>).</summary>
        public const string QueueDepth = "synckit.queue.depth";

        /// <summary>Dead letters per job (<c>{record}</c>).</summary>
        public const string DeadLetterSize = "synckit.dead_letter.size";
    }

    private static string ReadVersion()
    {
        var assembly = typeof(SyncKitDiagnostics).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";
        var metadata = version.IndexOf('+', StringComparison.Ordinal);
        return metadata < 0 ? version : version[..metadata];
    }

    /// <summary>Tag (attribute) keys.</summary>
    public static class Tags
    {
        /// <summary>The tenant.</summary>
        public const string Tenant = "synckit.tenant";

        /// <summary>The stream.</summary>
        public const string Stream = "synckit.stream";

        /// <summary>The error class.</summary>
        public const string ErrorClass = "synckit.error.class";

        /// <summary>The run outcome.</summary>
        public const string Outcome = "synckit.run.outcome";

        /// <summary>The run id.</summary>
        public const string RunId = "synckit.run.id";

        /// <summary>The run kind (<see cref="SyncKit.RunKind"/>).</summary>
        public const string RunKind = "synckit.run.kind";
    }
}
