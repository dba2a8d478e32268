using System.Globalization;
using SyncKit.Simulation.World;

namespace SyncKit.Simulation;

/// <summary>What one seed simulates: the store, the source's shape, the destination, the job's options and the faults.</summary>
internal sealed record SeedPlan(
    int Seed,
    StoreKind Store,
    SourceShape Shape,
    bool Horizon,
    bool Enlisted,
    bool SideEffects,
    KeyStyle Keys,
    int MaxKeys,
    int Steps,
    Faults Faults,
    SyncJobOptions Options)
{
    public static SeedPlan Draw(int seed, Random random, StoreKind? store, int steps, PlantedDefect planted)
    {
        var kind = store ?? (StoreKind)random.Next(2);
        var options = new SyncJobOptions
        {
            // The product's defaults (the five-minute lookback, one-second retry base delay, two-minute cap, 60-second
            // attempt timeout, 30-second breaker window) stay unless a seed varies them on purpose.
            PageSize = Pick(random, 1, 2, 3, 5, 10, 25),
            BatchSize = Pick(random, 1, 2, 3, 5, 10, 25),
            Partitions = Pick(random, 1, 1, 1, 2, 3, 4),
            QueueCapacity = Pick(random, 1, 5, 20, 100),
            MaxRetryAttempts = Pick(random, 0, 1, 2, 3, 5, 5),
            PartialFailure = random.Next(8) == 0 ? PartialFailurePolicy.StopAtFirstFailure : PartialFailurePolicy.DeadLetterAndContinue,
            AuditLog = random.Next(2) == 0,
        };
        // A source that reads below its visibility horizon (guarantee 15) needs no lookback: the seed runs it without.
        var horizon = random.Next(3) == 0;
        if (horizon)
        {
            options.Lookback = TimeSpan.Zero;
        }
        else if (random.Next(5) == 0)
        {
            options.Lookback = TimeSpan.FromMinutes(Pick(random, 1, 30));
        }

        if (random.Next(3) == 0)
        {
            options.CircuitBreaker.MinimumThroughput = 2;
        }

        options.DeadLetters.MaxAttempts = Pick(random, 1, 2, 3, 10);
        options.DeadLetters.RedriveBatchLimit = Pick(random, 0, 1, 3, 500, 500);
        if (random.Next(4) == 0)
        {
            options.ShutdownGracePeriod = TimeSpan.FromSeconds(Pick(random, 0, 1, 5));
        }

        var faults = Faults.Draw(random);
        faults.Planted = planted;
        return new SeedPlan(
            seed,
            kind,
            random.Next(2) == 0 ? SourceShape.Table : SourceShape.ChangeLog,
            horizon,
            Enlisted: random.Next(2) == 0,
            SideEffects: random.Next(3) != 0,
            Keys: (KeyStyle)random.Next(3),
            MaxKeys: Pick(random, 3, 10, 40, 150),
            steps,
            faults,
            options);
    }

    /// <summary>A key in the seed's style: ids of digits sort by value, others ordinally (see <see cref="Cursor.CompareIds"/>).</summary>
    public string KeyName(int index) => Keys switch
    {
        KeyStyle.Numeric => index.ToString(CultureInfo.InvariantCulture),
        KeyStyle.Text => $"k{index:D4}",
        _ => index % 2 == 0 ? index.ToString(CultureInfo.InvariantCulture) : $"{index}x",
    };

    public override string ToString() =>
        $"seed {Seed}: {Store}, {Shape}{(Horizon ? " read below its horizon" : string.Empty)}, destination {(Enlisted ? "in the store's transaction" : "remote")}{(SideEffects ? " with welcomes" : string.Empty)}, " +
        $"{Keys} keys up to {MaxKeys}, page {Options.PageSize}, batch {Options.BatchSize}, partitions {Options.Partitions}, queue {Options.QueueCapacity}, " +
        $"retries {Options.MaxRetryAttempts}, lookback {Options.Lookback}, {Options.PartialFailure}, dead letters max {Options.DeadLetters.MaxAttempts} " +
        $"redrive {Options.DeadLetters.RedriveBatchLimit}, grace {Options.ShutdownGracePeriod}, faults {Faults.RecordFailure:0.###}/{Faults.BatchFailure:0.###}/{Faults.SourceFailure:0.###}";

    /// <summary>How late a change may commit after its stamp: within the lookback, or a while for a source that reads below its horizon.</summary>
    public TimeSpan LateCommits => Horizon ? TimeSpan.FromMinutes(5) : Options.Lookback * 0.9;

    private static T Pick<T>(Random random, params T[] choices) => choices[random.Next(choices.Length)];
}

/// <summary>How the seed names its keys.</summary>
internal enum KeyStyle
{
    Numeric,
    Text,
    Mixed,
}
