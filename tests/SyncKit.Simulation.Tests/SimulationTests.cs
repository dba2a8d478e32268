namespace SyncKit.Simulation.Tests;

/// <summary>
/// The deterministic simulation in CI: a fixed set of seeds over every store, the proof that a seed replays step for
/// step, and planted defects it must catch. <c>eng/simulate.sh --seeds N</c> runs many more.
/// </summary>
public sealed class SimulationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData("memory,sqlite", 80, 1, 1500)]
    [InlineData("postgres", 6, 1001, 600)]
    public async Task Simulation_CiSeeds_HoldEveryInvariantAndConverge(string stores, int seeds, int from, int steps)
    {
        var run = await SimulationProcess.RunAsync(Timeout, "--seeds", $"{seeds}", "--from", $"{from}", "--steps", $"{steps}", "--store", stores);

        run.Failed.Should().Be(0, run.Output);
        run.Passed.Should().Be(seeds, run.Output);
        run.ExitCode.Should().Be(0, run.Output);
    }

    [Fact]
    public async Task Simulation_SameSeedsTwice_TakeTheSameStepsInEachProcess()
    {
        string[] arguments = ["--seeds", "6", "--from", "501", "--steps", "800", "--store", "memory,sqlite", "--verbose"];

        var first = await SimulationProcess.RunAsync(Timeout, arguments);
        var second = await SimulationProcess.RunAsync(Timeout, arguments);

        for (var seed = 501; seed < 507; seed++)
        {
            first.FingerprintOf(seed).Should().NotBeEmpty(first.Output);
            second.FingerprintOf(seed).Should().Be(first.FingerprintOf(seed), $"seed {seed} replays exactly");
        }
    }

    [Theory]
    [InlineData("lost-writes", "did not converge|passed")]
    [InlineData("repeated-welcomes", "welcome of .* was performed")]
    public async Task Simulation_DestinationWithAPlantedDefect_FailsNamingIt(string defect, string symptom)
    {
        var run = await SimulationProcess.RunAsync(Timeout, "--seeds", "12", "--from", "1", "--steps", "800", "--store", "memory", "--plant", defect);

        run.Failed.Should().BeGreaterThan(0, "the checks catch a destination that {0}:\n{1}", defect, run.Output);
        run.ExitCode.Should().Be(1);
        run.Output.Should().MatchRegex(symptom);
    }
}
