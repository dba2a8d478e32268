using Microsoft.Data.Sqlite;

namespace SyncKit.Sqlite.Internal;

/// <summary>Binds a job, or a run query's filter, to a command's parameters.</summary>
internal static class JobBinding
{
    public static SqliteCommand BindJob(this SqliteCommand command, JobId job) =>
        command.Bind("$tenant", job.Tenant).Bind("$stream", job.Stream);

    /// <summary>Binds the parameters of a run query's filter (unused ones are ignored by the statement).</summary>
    public static SqliteCommand BindRunFilter(this SqliteCommand command, RunQuery query, string? runId) =>
        command
            .Bind("$run_id", runId)
            .Bind("$tenant", query.Tenant)
            .Bind("$stream", query.Stream)
            .Bind("$started_from", SqliteValues.Ticks(query.StartedFrom))
            .Bind("$started_before", SqliteValues.Ticks(query.StartedBefore))
            .Bind("$outcome", query.Outcome is { } outcome ? SqliteValues.Name(outcome) : null)
            .Bind("$kind", query.Kind is { } kind ? SqliteValues.Name(kind) : null);
}
