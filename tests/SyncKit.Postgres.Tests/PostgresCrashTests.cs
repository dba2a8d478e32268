using SyncKit.Postgres.Host;
using SyncKit.Postgres.Tests.Infrastructure;

namespace SyncKit.Postgres.Tests;

/// <summary>Guarantees 1 and 5 across SIGKILL: the destination table and the checkpoint commit in one transaction.</summary>
[Collection(HostProcess.Collection)]
public sealed class PostgresCrashTests : PostgresTestBase
{
    private const int Records = 400;

    [Fact]
    public async Task Host_KilledRepeatedlyMidRun_CheckpointNeverPassesTheDestinationAndEveryRecordLandsOnce()
    {
        await TableDestination.CreateTablesAsync(DataSource, Schema);
        var job = new JobId("tenant-0", "stream-0");
        var settings = new Dictionary<string, string>
        {
            ["connection"] = Server.ConnectionStringWith(Schema + "-crash", 4),
            ["schema"] = Schema,
            ["records"] = Records.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["pageDelayMs"] = "5",
            ["leaseMs"] = "30000",
            ["renewMs"] = "10000",
        };
        long seen = 0;
        for (var kill = 0; kill < 5; kill++)
        {
            using var host = HostProcess.Start("crash", settings);
            var target = Math.Min(Records, seen + 25);
            seen = await WaitForRowsAsync(target, host);
            await host.KillAsync();

            // After every kill: everything up to the checkpoint is in the destination, and nothing beyond it.
            var checkpoint = await Store.Checkpoints.GetAsync(job, default);
            var rows = await ScalarAsync<long>("SELECT count(*) FROM {schema}.dest");
            var highest = await ScalarAsync<long>("SELECT coalesce(max(number), 0) FROM {schema}.dest");
            var committed = checkpoint is null ? 0 : long.Parse(checkpoint.Id, System.Globalization.CultureInfo.InvariantCulture);
            highest.Should().Be(committed, $"kill {kill}: the rows and the checkpoint commit together");
            rows.Should().Be(committed, $"kill {kill}: every record up to the checkpoint is in the destination");
            seen = rows;
        }

        using (var last = HostProcess.Start("crash", settings))
        {
            await WaitForRowsAsync(Records, last);
            await last.KillAsync();
        }

        (await ScalarAsync<long>("SELECT count(*) FROM {schema}.dest WHERE write_count = 1")).Should().Be(Records, "no record was written twice");
        (await Store.Checkpoints.GetAsync(job, default)).Should().Be(NumberedSource.PositionOf(Records));
    }

    /// <summary>Polls the destination until it holds <paramref name="count"/> rows: kills follow observed progress, not a timer.</summary>
    private async Task<long> WaitForRowsAsync(long count, HostProcess host)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var rows = await ScalarAsync<long>("SELECT count(*) FROM {schema}.dest");
            if (rows >= count)
            {
                return rows;
            }

            host.ThrowIfExited();
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The host made no progress to {count} rows (at {rows}):{Environment.NewLine}{host.Output}");
            }

            await Task.Delay(20);
        }
    }
}
