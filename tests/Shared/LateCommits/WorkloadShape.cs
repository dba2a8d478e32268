namespace SyncKit.TestPostgres.LateCommits;

/// <summary>
/// The shape of the late-commit workload: concurrent writers, mostly short transactions and a few long ones on a set
/// of hot keys (so short ones wait on long ones' row locks), every row stamped by the database.
/// </summary>
public sealed record WorkloadShape
{
    /// <summary>How many sessions write at once.</summary>
    public int Writers { get; init; } = 8;

    /// <summary>How long the writers keep starting transactions.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>The share of transactions held open long before they commit.</summary>
    public double LongShare { get; init; } = 0.02;

    /// <summary>The shortest hold of a long transaction.</summary>
    public TimeSpan LongHoldMin { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>The longest hold of a long transaction.</summary>
    public TimeSpan LongHoldMax { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The longest hold of a short transaction, which stays open under 100 ms.</summary>
    public TimeSpan ShortHoldMax { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How many keys the writers share: few enough that transactions often wait on each other's row locks.</summary>
    public int HotKeys { get; init; } = 200;

    /// <summary>The SQL that stamps <c>updated_at</c>: <c>now()</c> (the transaction's start) or <c>clock_timestamp()</c>.</summary>
    public string Stamp { get; init; } = "now()";

    /// <summary>Seeds each writer's choices (writer <c>i</c> uses <c>Seed + i</c>).</summary>
    public int Seed { get; init; } = 20261207;
}
