using SyncKit.Internal;

namespace SyncKit;

/// <summary>
/// Spreads tenants' start times evenly over a cadence, so they never all start in the same minute. Tenants are
/// ordered by a stable hash and tenant <c>i</c> of <c>n</c> starts <c>i/n</c> of the way through each cadence,
/// counted from the Unix epoch: every host instance computes the same slots.
/// </summary>
/// <remarks>
/// Adding or removing a tenant moves the others' slots, so one pass may then run up to a cadence early or late.
/// A tenant the plan does not know gets a slot from its hash alone.
/// </remarks>
public sealed class StaggerPlan
{
    private readonly Dictionary<string, double> _fractions;

    /// <summary>Plans the slots of a set of tenants.</summary>
    /// <param name="tenants">The tenants; duplicates are ignored.</param>
    public StaggerPlan(IEnumerable<string> tenants)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        var ordered = tenants.Distinct(StringComparer.Ordinal)
            .OrderBy(t => StableHash.Of(t))
            .ThenBy(t => t, StringComparer.Ordinal)
            .ToList();
        _fractions = new Dictionary<string, double>(ordered.Count, StringComparer.Ordinal);
        for (var i = 0; i < ordered.Count; i++)
        {
            _fractions[ordered[i]] = i / (double)ordered.Count;
        }
    }

    /// <summary>Where in each cadence a tenant starts.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="cadence">The cadence.</param>
    /// <returns>An offset in <c>[0, cadence)</c>.</returns>
    public TimeSpan OffsetOf(string tenant, TimeSpan cadence)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(cadence, TimeSpan.Zero);
        var fraction = _fractions.TryGetValue(tenant, out var planned) ? planned : StableHash.Fraction(tenant);
        return TimeSpan.FromTicks((long)(cadence.Ticks * fraction));
    }

    /// <summary>The tenant's latest start at or before <paramref name="now"/>.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="cadence">The cadence.</param>
    /// <param name="now">The instant.</param>
    /// <returns>The slot.</returns>
    public DateTimeOffset LatestStart(string tenant, TimeSpan cadence, DateTimeOffset now)
    {
        var first = DateTimeOffset.UnixEpoch + OffsetOf(tenant, cadence);
        var elapsed = (now - first).Ticks;
        var cycles = elapsed / cadence.Ticks;
        if (elapsed < 0 && elapsed % cadence.Ticks != 0)
        {
            cycles--;
        }

        return first + TimeSpan.FromTicks(cycles * cadence.Ticks);
    }
}
