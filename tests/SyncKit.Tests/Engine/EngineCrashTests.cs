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

    private readonly string _directory = Directory.CreateTempSubdirectory("synckit-crash-").FullName;

    private string SnapshotPath => Path.Combine(_directory, "state.txt");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task RunAsync_KilledAt10RandomInstants_NeverLetsTheCheckpointPassTheDestinationAndEndsWithEveryRecordOnce()
    {
        var lastCheck = string.Empty;

        await CrashHostProcess.RunWithKillsAsync("file", SnapshotPath, Records, Kills, when => Task.FromResult(AssertCheckpointMatchesTheDestination(lastCheck = when)), output.WriteLine);

        AssertCheckpointMatchesTheDestination($"at the end, {lastCheck}").Should().Be(Records);
    }

    private int AssertCheckpointMatchesTheDestination(string when)
    {
        var snapshot = FileSnapshot.Read(SnapshotPath);
        return CrashCheck.AssertDestinationMatchesCheckpoint(snapshot.Checkpoint, snapshot.Rows.ToDictionary(r => r.Key, r => (long)r.Value.Writes), when);
    }
}
