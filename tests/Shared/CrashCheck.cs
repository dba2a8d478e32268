using FluentAssertions;

namespace SyncKit.CrashHost;

/// <summary>What every crash test checks after each kill of the crash host, whichever store it ran on.</summary>
internal static class CrashCheck
{
    /// <summary>
    /// Asserts that the destination holds exactly the records at or below <paramref name="checkpoint"/>: every one
    /// of them (the checkpoint is never ahead of the destination), nothing beyond (the writes committed with it),
    /// and each delivered once (no committed record was read again).
    /// </summary>
    /// <param name="checkpoint">The stored checkpoint.</param>
    /// <param name="deliveries">How many committed batches carried each key in the destination.</param>
    /// <param name="when">Which kill this is, and the seed, for the messages.</param>
    /// <returns>How many records the checkpoint covers.</returns>
    public static int AssertDestinationMatchesCheckpoint(Cursor? checkpoint, IReadOnlyDictionary<string, long> deliveries, string when)
    {
        var covered = CrashSource.CoveredBy(checkpoint);
        var because = $"{when}, checkpoint {checkpoint}";
        Enumerable.Range(1, covered).Select(i => CrashSource.Record(i).Id).Where(id => !deliveries.ContainsKey(id)).Take(5)
            .Should().BeEmpty($"every record at or below the checkpoint is in the destination {because}");
        deliveries.Should().HaveCount(covered, $"the destination's writes commit with the checkpoint {because}");
        deliveries.Where(r => r.Value != 1).Should().BeEmpty($"no committed record is delivered again {because}");
        return covered;
    }
}
