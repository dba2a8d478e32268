using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SyncKit.Benchmarks.Dashboard;

/// <summary>
/// The history a dashboard benchmark reads: tenants × 3 streams, the runs spread evenly over the jobs (a run every 10
/// minutes, newest first), a checkpoint per job and 20 dead letters on every tenth job (parked on every twentieth).
/// Every 48th run is an incremental and every 288th a full reconciliation pass; regular runs succeed, dead-letter a
/// few records (3%) or fail (3%); some jobs' latest run failed or was stopped, so the overview has every status to
/// show. Deterministic: the same rows every time.
/// </summary>
/// <param name="name">Names the seeded SQLite file it is cached in.</param>
/// <param name="tenants">How many tenants.</param>
/// <param name="runs">How many runs in all.</param>
internal sealed class DashboardDataset(string name, int tenants, int runs)
{
    public const int DeadLettersPerJob = 20;

    /// <summary>500 tenants, 1,000,000 runs: about 4.6 days of runs per job.</summary>
    public static DashboardDataset Standard { get; } = new("dashboard", 500, 1_000_000);

    /// <summary>10,000 tenants, 1,000,000 runs: 33 or 34 runs per job, about 5.5 hours each.</summary>
    public static DashboardDataset AtScale { get; } = new("dashboard-10000", 10_000, 1_000_000);

    public static readonly string[] Streams = ["customers", "invoices", "orders"];

    /// <summary>The clock the dashboard reads: the newest run started one minute before it.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan Cadence = TimeSpan.FromMinutes(10);

    public string Name => name;

    public int Tenants => tenants;

    /// <summary>Tenant names with as many digits as the largest needs: <c>tenant-000</c> to <c>tenant-499</c> for 500.</summary>
    public IReadOnlyList<string> TenantNames { get; } =
        [.. Enumerable.Range(0, tenants).Select(i => "tenant-" + i.ToString("D" + (tenants - 1).ToString(CultureInfo.InvariantCulture).Length, CultureInfo.InvariantCulture))];

    /// <summary>The jobs, tenant-major.</summary>
    public IReadOnlyList<JobId> Jobs => field ??= [.. TenantNames.SelectMany(t => Streams.Select(s => new JobId(t, s)))];

    public IEnumerable<SeedRun> AllRuns()
    {
        var perJob = runs / Jobs.Count;
        var extra = runs % Jobs.Count;
        for (var j = 0; j < Jobs.Count; j++)
        {
            var job = Jobs[j];
            var count = perJob + (j < extra ? 1 : 0);
            for (var i = 0; i < count; i++)
            {
                yield return Run(j, job, i);
            }
        }
    }

    public IEnumerable<(JobId Job, Cursor Cursor)> Checkpoints() =>
        Jobs.Select((job, j) => (job, Cursor.At(Now - TimeSpan.FromMinutes(2 + (j % 7)), Key(j, 0))));

    public IEnumerable<SeedDeadLetter> DeadLetters()
    {
        for (var j = 0; j < Jobs.Count; j += 10)
        {
            for (var k = 0; k < DeadLettersPerJob; k++)
            {
                var failed = Now - TimeSpan.FromHours(k + 1);
                var parked = j % 20 == 0 && k % 2 == 0;
                yield return new SeedDeadLetter(
                    Jobs[j],
                    "record-" + k.ToString(CultureInfo.InvariantCulture),
                    Cursor.At(failed, Key(j, k)),
                    failed,
                    parked ? null : Now + TimeSpan.FromMinutes(k),
                    parked ? DeadLetterStatus.Parked : DeadLetterStatus.Pending);
            }
        }
    }

    private static SeedRun Run(int j, JobId job, int i)
    {
        var started = Now - TimeSpan.FromMinutes(1) - (Cadence * i);
        var kind = i % 288 == 100 ? RunKind.FullReconciliation : i % 48 == 5 ? RunKind.IncrementalReconciliation : RunKind.Sync;
        var outcome = (i, Hash(j, i) % 100) switch
        {
            (0, _) when j % 50 == 7 => RunOutcome.Failed,
            (0, _) when j % 100 == 13 => RunOutcome.Stopped,
            (_, < 3) when kind == RunKind.Sync => RunOutcome.Failed,
            (_, < 6) when kind == RunKind.Sync => RunOutcome.CompletedWithDeadLetters,
            _ => RunOutcome.Succeeded,
        };
        var deadLettered = outcome == RunOutcome.CompletedWithDeadLetters ? 2 : 0;
        var failed = outcome is RunOutcome.Failed or RunOutcome.Stopped;
        return new SeedRun(
            $"{job.Tenant}-{job.Stream}-{i:D6}",
            job,
            kind,
            started,
            started + TimeSpan.FromSeconds(30),
            outcome,
            Cursor.At(started - Cadence, Key(j, i + 1)),
            Cursor.At(started, Key(j, i)),
            failed ? 0 : 50,
            failed ? 0 : 50 - deadLettered,
            deadLettered,
            deadLettered > 0 ? """{"Validation":2}""" : failed ? """{"Transient":3}""" : "{}",
            failed ? (outcome == RunOutcome.Stopped ? "token revoked" : "upstream answered 500") : null,
            kind == RunKind.Sync ? null : ReconciliationReportJson(kind, started));
    }

    private static string Key(int job, int i) => (job * 1_000 + i).ToString(CultureInfo.InvariantCulture);

    private static int Hash(int j, int i) => (int)((((uint)j * 2_654_435_761u) ^ ((uint)i * 40_503u)) % 1_000u);

    private static string ReconciliationReportJson(RunKind kind, DateTimeOffset started) =>
        JsonSerializer.Serialize(
            new ReconciliationReport { Kind = kind, StartedAt = started, Duration = TimeSpan.FromSeconds(20), Checked = 500, GapThreshold = 0.01 },
            ReportJson);

    // The shape the core writes reports in: web defaults, enums by name.
    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
}

internal sealed record SeedRun(
    string RunId,
    JobId Job,
    RunKind Kind,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    RunOutcome Outcome,
    Cursor From,
    Cursor To,
    long Read,
    long Written,
    long DeadLettered,
    string ErrorsByClass,
    string? Error,
    string? Report);

internal sealed record SeedDeadLetter(JobId Job, string RecordKey, Cursor Position, DateTimeOffset FailedAt, DateTimeOffset? NextAttemptAt, DeadLetterStatus Status);
