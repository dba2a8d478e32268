using SyncKit.Health.Internal;

namespace SyncKit.Tests.Health;

public sealed class DeadLetterTrendTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    [Fact]
    public void Observe_SteadyQueueCheckedEveryFewSeconds_KeepsOneObservation()
    {
        var trend = new DeadLetterTrend();
        for (var i = 0; i < 10_000; i++)
        {
            trend.Observe(T0.AddSeconds(5 * i), 3, Window);
        }

        trend.Kept.Should().Be(1, "a check that finds the size unchanged adds nothing to remember");
    }

    [Fact]
    public void Observe_AnySequence_GrowthIsWhatEveryObservationKeptWouldSay()
    {
        var random = new Random(20261208);
        for (var sequence = 0; sequence < 200; sequence++)
        {
            var trend = new DeadLetterTrend();
            var all = new List<(DateTimeOffset At, int Size)>();
            var now = T0;
            var size = 0;
            for (var i = 0; i < 300; i++)
            {
                now += TimeSpan.FromSeconds(random.Next(1, 600));
                size = Math.Max(0, size + random.Next(-2, 3) * (random.Next(4) == 0 ? 1 : 0));
                all.Add((now, size));

                // The growth since the latest observation at or before the window's start, else the oldest.
                var baseline = all.LastOrDefault(o => o.At <= now - Window, all[0]);
                trend.Observe(now, size, Window).Should().Be(size - baseline.Size, "sequence {0}, observation {1}", sequence, i);
            }
        }
    }
}
