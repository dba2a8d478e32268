namespace SyncKit.Simulation.World;

/// <summary>
/// How hostile the simulated source and destination are in one seed, and the switch that heals them for the final
/// convergence check. Every decision draws from the seed's random numbers.
/// </summary>
internal sealed class Faults
{
    private static readonly (ErrorClass Class, int Weight)[] RecordClasses =
    [
        (ErrorClass.Transient, 40), (ErrorClass.RateLimited, 15), (ErrorClass.Validation, 15), (ErrorClass.Conflict, 7),
        (ErrorClass.NotFound, 7), (ErrorClass.Permanent, 10), (ErrorClass.Authentication, 3), (ErrorClass.Authorization, 3),
    ];

    private static readonly (ErrorClass Class, int Weight)[] BatchClasses =
    [
        (ErrorClass.Transient, 50), (ErrorClass.RateLimited, 15), (ErrorClass.Validation, 15), (ErrorClass.Permanent, 15), (ErrorClass.Authentication, 5),
    ];

    private static readonly (ErrorClass Class, int Weight)[] SourceClasses =
    [
        (ErrorClass.Transient, 80), (ErrorClass.RateLimited, 15), (ErrorClass.Authentication, 5),
    ];

    public double SourceFailure { get; init; }

    public double BatchFailure { get; init; }

    public double RecordFailure { get; init; }

    public double WrongOutcomeCount { get; init; }

    public double AbortTransaction { get; init; }

    /// <summary>Share of new versions every write of which fails validation until the world heals.</summary>
    public double Poison { get; init; }

    /// <summary>A defect planted in the destination, to show the checks catch what they claim to.</summary>
    public PlantedDefect Planted { get; set; }

    /// <summary>Once set, nothing fails: the final phase checks that everything converges.</summary>
    public bool Healed { get; set; }

    public static Faults Draw(Random random)
    {
        var intensity = random.NextDouble();
        return new Faults
        {
            SourceFailure = 0.15 * intensity,
            BatchFailure = 0.15 * intensity,
            RecordFailure = 0.25 * intensity,
            WrongOutcomeCount = random.Next(4) == 0 ? 0.03 : 0,
            AbortTransaction = random.Next(3) == 0 ? 0.05 : 0,
            Poison = random.Next(3) == 0 ? 0.05 : 0,
        };
    }

    public void ThrowForSource(Random random)
    {
        if (!Healed && random.NextDouble() < SourceFailure)
        {
            throw Failure(Pick(random, SourceClasses), "reading the source", random);
        }
    }

    public void ThrowForBatch(Random random)
    {
        if (!Healed && random.NextDouble() < BatchFailure)
        {
            // Now and then a failure nobody classified: the engine's default applies.
            throw random.Next(5) == 0
                ? new InvalidOperationException("the destination broke in an unexpected way")
                : Failure(Pick(random, BatchClasses), "writing the batch", random);
        }
    }

    /// <summary>A record's failure, or <see langword="null"/> when it goes through.</summary>
    public RecordOutcome? ForRecord(Random random, bool poison)
    {
        if (Healed)
        {
            return null;
        }

        if (poison)
        {
            return RecordOutcome.Failed(ErrorClass.Validation, "the record is invalid for the destination");
        }

        if (random.NextDouble() >= RecordFailure)
        {
            return null;
        }

        var errorClass = Pick(random, RecordClasses);
        return RecordOutcome.Failed(errorClass, $"{errorClass} failure", RetryAfter(errorClass, random));
    }

    public bool ReturnsWrongCount(Random random) => !Healed && random.NextDouble() < WrongOutcomeCount;

    public bool AbortsTransaction(Random random) => !Healed && random.NextDouble() < AbortTransaction;

    private static SyncException Failure(ErrorClass errorClass, string what, Random random) =>
        new(errorClass, $"{errorClass} failure {what}", RetryAfter(errorClass, random));

    private static TimeSpan? RetryAfter(ErrorClass errorClass, Random random) =>
        errorClass == ErrorClass.RateLimited && random.Next(2) == 0 ? TimeSpan.FromSeconds(random.Next(1, 90)) : null;

    private static ErrorClass Pick(Random random, (ErrorClass Class, int Weight)[] weights)
    {
        var roll = random.Next(weights.Sum(w => w.Weight));
        foreach (var (errorClass, weight) in weights)
        {
            if ((roll -= weight) < 0)
            {
                return errorClass;
            }
        }

        throw new InvalidOperationException("unreachable");
    }
}

/// <summary>A defect the simulation can plant in its destination, so a test sees the checks fail on it.</summary>
internal enum PlantedDefect
{
    None,

    /// <summary>Now and then a write is acknowledged but never stored.</summary>
    LostWrites,

    /// <summary>The welcome is performed even when the dedup store says it already happened.</summary>
    RepeatedWelcomes,
}
