using Npgsql;

namespace SyncKit.Postgres.Internal;

/// <summary>The health inputs of many jobs at once, in two statements whatever their number.</summary>
internal sealed partial class PostgresStateWriter
{
    /// <summary>Two statements for the whole list (see <see cref="PostgresSql.LatestPerJob"/> and <see cref="PostgresSql.WindowSumsPerJob"/>).</summary>
    public async ValueTask<IReadOnlyList<JobHealthInputs>> ReadHealthInputsAsync(IReadOnlyList<JobId> jobs, DateTimeOffset windowStart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var inputs = new JobHealthInputs[jobs.Count];
        if (jobs.Count == 0)
        {
            return inputs;
        }

        var tenants = new string[jobs.Count];
        var streams = new string[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            (tenants[i], streams[i]) = (jobs[i].Tenant, jobs[i].Stream);
        }

        var command = await commands.CommandAsync(_sql.LatestPerJob, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.With(tenants).With(streams).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var i = (int)reader.GetInt64(0) - 1;
                    inputs[i] = new JobHealthInputs(jobs[i])
                    {
                        Checkpoint = CursorJson.Read(reader.IsDBNull(1) ? null : reader.GetString(1)),
                        DeadLetters = (int)reader.GetInt64(2),
                        HasParkedDeadLetters = reader.GetBoolean(3),
                        LatestSync = ReadSummary(reader, 4, RunKind.Sync),
                        LatestSuccess = ReadSummary(reader, 4 + PostgresSql.SummaryWidth, RunKind.Sync),
                        LatestIncrementalReconciliation = ReadSummary(reader, 4 + (2 * PostgresSql.SummaryWidth), RunKind.IncrementalReconciliation),
                        LatestFullReconciliation = ReadSummary(reader, 4 + (3 * PostgresSql.SummaryWidth), RunKind.FullReconciliation),
                    };
                }
            }
        }

        var sums = new Dictionary<RunKind, RunCounts>?[jobs.Count];
        command = await commands.CommandAsync(_sql.WindowSumsPerJob, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.With(tenants).With(streams).With(windowStart.Utc()).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    (sums[(int)reader.GetInt64(0) - 1] ??= [])[Enum.Parse<RunKind>(reader.GetString(1))] =
                        new RunCounts(reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7));
                }
            }
        }

        for (var i = 0; i < inputs.Length; i++)
        {
            if (sums[i] is { } counts)
            {
                inputs[i] = inputs[i] with { WindowCounts = counts };
            }
        }

        return inputs;
    }

    /// <summary>A run summary from the columns of a latest run from <paramref name="first"/> on; none when its run id is null.</summary>
    private static RunSummary? ReadSummary(NpgsqlDataReader reader, int first, RunKind kind) =>
        reader.IsDBNull(first)
            ? null
            : new RunSummary(
                reader.GetString(first),
                kind,
                reader.GetFieldValue<DateTimeOffset>(first + 1),
                reader.IsDBNull(first + 2) ? null : reader.GetFieldValue<DateTimeOffset>(first + 2),
                Enum.Parse<RunOutcome>(reader.GetString(first + 3)),
                reader.IsDBNull(first + 4) ? null : reader.GetString(first + 4),
                reader.IsDBNull(first + 5) ? null : reader.GetString(first + 5))
            {
                Horizon = ReadHorizon(reader, first + 6),
            };
}
