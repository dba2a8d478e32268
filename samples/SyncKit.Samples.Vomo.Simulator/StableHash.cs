using System.Text;

namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>
/// A hash that is the same in every process (unlike <see cref="HashCode"/>), so decisions drawn from it replay
/// given the seed: FNV-1a over the parts, finished with a SplitMix64 mix.
/// </summary>
internal static class StableHash
{
    public static ulong Of(int seed, params ReadOnlySpan<string> parts)
    {
        var hash = 14695981039346656037UL ^ (ulong)(uint)seed;
        foreach (var part in parts)
        {
            foreach (var b in Encoding.UTF8.GetBytes(part))
            {
                hash = (hash ^ b) * 1099511628211UL;
            }

            hash = (hash ^ 0xff) * 1099511628211UL;
        }

        hash ^= hash >> 30;
        hash *= 0xbf58476d1ce4e5b9UL;
        hash ^= hash >> 27;
        hash *= 0x94d049bb133111ebUL;
        return hash ^ (hash >> 31);
    }

    /// <summary>A number in [0, 1) drawn from the parts.</summary>
    public static double Unit(int seed, params ReadOnlySpan<string> parts) => (Of(seed, parts) >> 11) * (1.0 / (1UL << 53));
}
