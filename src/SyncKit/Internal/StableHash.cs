namespace SyncKit.Internal;

/// <summary>
/// A hash of strings that is the same in every process and runtime (unlike <see cref="string.GetHashCode()"/>),
/// so several host instances agree on stagger slots and samples.
/// </summary>
internal static class StableHash
{
    /// <summary>FNV-1a over the UTF-16 code units, seeded, with a final mix so similar keys spread evenly.</summary>
    public static ulong Of(string value, ulong seed = 0)
    {
        var hash = 14695981039346656037UL ^ seed;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        // The splitmix64 finalizer: every input bit affects every output bit.
        hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL;
        hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBUL;
        return hash ^ (hash >> 31);
    }

    /// <summary>The hash as a fraction in <c>[0, 1)</c>.</summary>
    public static double Fraction(string value, ulong seed = 0) =>
        (Of(value, seed) >> 11) * (1.0 / (1UL << 53));
}
