using System.Globalization;
using SyncKit.CrashHost;
using Xunit.Abstractions;

namespace SyncKit.Tests.Engine;

/// <summary>
/// Guarantee 1 under real crashes, independent of any database: a child process syncs through the engine with
/// the in-memory store persisted to a file after every commit (atomically) and a destination that enlists in
/// the store's transaction; it is SIGKILLed at random instants and restarted from the file.
/// </summary>
public sealed class EngineCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Records = 20_000;
    private const int Kills = 10;
    private const int RecordsPerProgressLine = 100;

    private readonly string _directory = Directory.CreateTempSubdirectory("synckit-crash-").FullName;

    private string SnapshotPath => Path.Combine(_directory, "state.txt");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task RunAsync_KilledAt10RandomInstants_NeverLetsTheCheckpointPassTheDestinationAndEndsWithEveryRecordOnce()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SYNCKIT_CRASH_SEED"), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        output.WriteLine($"seed {seed} (set SYNCKIT_CRASH_SEED to replay)");
        var random = new Random(seed);
        var kills = 0;
        var covered = 0;
        while (true)
        {
            var remainingLines = (Records - covered) / RecordsPerProgressLine;
            // The bound leaves at least the share of one more kill after this one, so the child cannot finish before it.
            var killAfter = kills < Kills ? random.Next(1, Math.Max(2, remainingLines / (Kills - kills + 1))) : int.MaxValue;
            var run = await CrashHostProcess.RunAsync(["file", SnapshotPath, Records.ToString(CultureInfo.InvariantCulture)], killAfter, TimeSpan.FromMinutes(1));
            if (!run.Killed)
            {
                run.ExitCode.Should().Be(0, $"the last run finishes (seed {seed}):\n{run.Output}");
                break;
            }

            kills++;
            covered = AssertCheckpointMatchesTheDestination($"after kill {kills} (seed {seed})");
            output.WriteLine($"kill {kills} after {killAfter} progress lines: checkpoint covers {covered} records");
        }

        kills.Should().Be(Kills, $"seed {seed}");
        AssertCheckpointMatchesTheDestination($"at the end (seed {seed})").Should().Be(Records);
    }

    private int AssertCheckpointMatchesTheDestination(string when)
    {
        var snapshot = FileSnapshot.Read(SnapshotPath);
        var covered = CrashSource.CoveredBy(snapshot.Checkpoint);
        var because = $"{when}, checkpoint {snapshot.Checkpoint}";
        Enumerable.Range(1, covered).Select(i => CrashSource.Record(i).Id).Where(id => !snapshot.Rows.ContainsKey(id)).Take(5)
            .Should().BeEmpty($"every record at or below the checkpoint is in the destination {because}");
        snapshot.Rows.Should().HaveCount(covered, $"the destination's writes commit with the checkpoint {because}");
        snapshot.Rows.Where(r => r.Value.Writes != 1).Should().BeEmpty($"no committed record is delivered again {because}");
        return covered;
    }
}
