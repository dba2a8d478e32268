using System.Globalization;
using SyncKit.Postgres.Host;
using SyncKit.Postgres.Internal;
using SyncKit.Postgres.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SyncKit.Postgres.Tests.Leases;

/// <summary>
/// Guarantee 13 with real processes: three hosts share 12 jobs through leases while one of them is SIGKILLed
/// and restarted, again and again, whenever the others have made progress.
/// </summary>
[Collection(HostProcess.Collection)]
public sealed class PostgresMultiInstanceTests(ITestOutputHelper output) : PostgresTestBase
{
    private const int Tenants = 4;
    private const int Streams = 3;
    private const int Records = 900;
    private const int Kills = 15;
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMilliseconds(5_000);
    private static readonly TimeSpan RenewInterval = TimeSpan.FromMilliseconds(2_500);

    [Fact]
    public async Task Hosts_OneKilledAndRestarted15Times_EveryRecordOnceCheckpointsForwardTokensExclusiveTakeoversInTime()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        await TableDestination.CreateTablesAsync(DataSource, Schema);
        await RecordHistoryAsync();
        var total = Tenants * Streams * Records;
        var hosts = new HostProcess[3];
        var owners = new string[3];
        var generation = 0;
        void StartHost(int slot)
        {
            owners[slot] = $"host-{slot}-{generation++}";
            hosts[slot] = HostProcess.Start("worker", new Dictionary<string, string>
            {
                ["connection"] = Server.ConnectionStringWith(owners[slot], 30),
                ["schema"] = Schema,
                ["owner"] = owners[slot],
                ["tenants"] = Tenants.ToString(CultureInfo.InvariantCulture),
                ["streams"] = Streams.ToString(CultureInfo.InvariantCulture),
                ["records"] = Records.ToString(CultureInfo.InvariantCulture),
                ["pageDelayMs"] = "100",
                ["maxLeases"] = "12",
                ["pollMs"] = "200",
                ["leaseMs"] = ((int)LeaseDuration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                ["renewMs"] = ((int)RenewInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            });
        }

        var kills = new List<(string Victim, DateTime KilledAt, List<JobId> Orphans)>();
        try
        {
            for (var slot = 0; slot < 3; slot++)
            {
                StartHost(slot);
            }

            string? previousVictim = null;
            for (var kill = 0; kill < Kills; kill++)
            {
                // Kill once the hosts made progress and took over every job of the previous victim, and only a
                // host that holds leases, so every kill orphans jobs mid-run. A host takes as many jobs as are
                // free, so the survivors can always absorb a victim's jobs while it restarts.
                var progress = await RowsAsync() + 60;
                var slot = await WaitForAsync(async () =>
                {
                    var rows = await RowsAsync();
                    if ((rows < progress && rows < total)
                        || (previousVictim is not null && await CountAsync($"SELECT count(*) FROM {{schema}}.leases WHERE owner = '{previousVictim}'") > 0))
                    {
                        return (int?)null;
                    }

                    var holding = new List<int>();
                    for (var s = 0; s < 3; s++)
                    {
                        if (await CountAsync($"SELECT count(*) FROM {{schema}}.leases WHERE owner = '{owners[s]}' AND expires_at > now()") > 0)
                        {
                            holding.Add(s);
                        }
                    }

                    return holding.Count == 0 ? null : holding[random.Next(holding.Count)];
                }, hosts, $"progress before kill {kill}");

                await hosts[slot].KillAsync();
                var killedAt = await ScalarAsync<DateTime>("SELECT clock_timestamp()");
                var orphans = await JobsHeldByAsync(owners[slot]);
                kills.Add((owners[slot], killedAt, orphans));
                output.WriteLine($"kill {kill}: {owners[slot]} at {killedAt:O} holding {orphans.Count} job(s); {await RowsAsync()} rows");
                hosts[slot].Dispose();
                previousVictim = owners[slot];
                StartHost(slot);
            }

            await WaitForAsync(
                async () => await RowsAsync() == total && await CountAsync($"SELECT count(*) FROM {{schema}}.leases WHERE owner = '{previousVictim}'") == 0 ? (int?)1 : null,
                hosts,
                "all records, and the last victim's jobs taken over");
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.KillAsync();
                host.Dispose();
            }
        }

        // Every source record is in the destination exactly once.
        (await CountAsync("SELECT count(*) FROM {schema}.dest WHERE write_count = 1 AND number BETWEEN 1 AND " + Records)).Should().Be(total, $"seed {seed}");
        (await CountAsync("SELECT count(*) FROM {schema}.dest")).Should().Be(total);

        // No checkpoint ever went backwards.
        var history = await ReadAsync("SELECT old_cursor::text, new_cursor::text FROM {schema}.checkpoint_history WHERE old_cursor IS NOT NULL", r => (CursorJson.Read(r.GetString(0))!, CursorJson.Read(r.GetString(1))!));
        history.Should().NotBeEmpty();
        history.Should().OnlyContain(h => h.Item2.CompareTo(h.Item1) >= 0, $"a checkpoint moved backwards (seed {seed})");

        // No two processes committed for the same job under the same token.
        (await CountAsync("SELECT count(*) FROM (SELECT 1 FROM {schema}.commits GROUP BY tenant, stream, fencing_token HAVING count(DISTINCT owner) > 1) shared"))
            .Should().Be(0, $"seed {seed}");

        // Every orphaned job was taken over within lease duration + renew interval of the kill.
        var bound = LeaseDuration + RenewInterval;
        var takeovers = new List<(string Orphan, TimeSpan After)>();
        foreach (var (victim, killedAt, orphans) in kills)
        {
            foreach (var job in orphans)
            {
                var takenAt = await ScalarAsync<DateTime>(
                    $"SELECT min(acquired_at) FROM {{schema}}.lease_history WHERE tenant = '{job.Tenant}' AND stream = '{job.Stream}' AND owner <> '{victim}' AND acquired_at > '{killedAt:O}'::timestamptz");
                takeovers.Add(($"{job} of {victim}", takenAt - killedAt));
            }
        }

        output.WriteLine($"takeover after kill: max {takeovers.Max(t => t.After).TotalMilliseconds:F0} ms, mean {takeovers.Average(t => t.After.TotalMilliseconds):F0} ms over {takeovers.Count} orphaned jobs");
        takeovers.Should().OnlyContain(t => t.After <= bound, $"every orphaned job is taken over within {bound} (seed {seed})");

        kills.Sum(k => k.Orphans.Count).Should().BeGreaterThanOrEqualTo(Kills, "every kill orphaned at least one job");
    }

    private Task<long> RowsAsync() => CountAsync("SELECT count(*) FROM {schema}.dest");

    private Task<long> CountAsync(string sql) => ScalarAsync<long>(sql);

    private Task<List<JobId>> JobsHeldByAsync(string owner) =>
        ReadAsync($"SELECT tenant, stream FROM {{schema}}.leases WHERE owner = '{owner}'", r => new JobId(r.GetString(0), r.GetString(1)));

    private async Task<List<T>> ReadAsync<T>(string sql, Func<Npgsql.NpgsqlDataReader, T> map)
    {
        await using var command = DataSource.CreateCommand(sql.Replace("{schema}", $"\"{Schema}\"", StringComparison.Ordinal));
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>Triggers that keep every checkpoint change and every lease grant, for the checks at the end.</summary>
    private Task RecordHistoryAsync() => ExecuteAsync("""
        CREATE TABLE {schema}.checkpoint_history (id bigint GENERATED ALWAYS AS IDENTITY, tenant text, stream text, old_cursor jsonb, new_cursor jsonb);
        CREATE FUNCTION {schema}.keep_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {schema}.checkpoint_history (tenant, stream, old_cursor, new_cursor)
            VALUES (NEW.tenant, NEW.stream, CASE WHEN TG_OP = 'UPDATE' THEN OLD.cursor END, NEW.cursor);
            RETURN NEW;
        END $$;
        CREATE TRIGGER keep_checkpoint AFTER INSERT OR UPDATE ON {schema}.checkpoints FOR EACH ROW EXECUTE FUNCTION {schema}.keep_checkpoint();
        CREATE TABLE {schema}.lease_history (tenant text, stream text, owner text, fencing_token bigint, acquired_at timestamptz);
        CREATE FUNCTION {schema}.keep_grant() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.fencing_token <> OLD.fencing_token THEN
                INSERT INTO {schema}.lease_history VALUES (NEW.tenant, NEW.stream, NEW.owner, NEW.fencing_token, NEW.acquired_at);
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER keep_grant AFTER UPDATE ON {schema}.leases FOR EACH ROW EXECUTE FUNCTION {schema}.keep_grant();
        """);

    /// <summary>Polls the database until <paramref name="condition"/> answers, failing if a host died on its own or nothing happens for two minutes.</summary>
    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> condition, HostProcess[] hosts, string what)
        where T : struct
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (await condition() is { } value)
            {
                return value;
            }

            Array.ForEach(hosts, h => h.ThrowIfExited());
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited two minutes for {what}.{Environment.NewLine}{string.Join(Environment.NewLine, hosts.Select(h => h.Output))}");
            }

            await Task.Delay(100);
        }
    }
}
