namespace SyncKit.Benchmarks;

/// <summary>Percentiles of a measurement's samples, by nearest rank: the value below which <c>p</c> of them fall.</summary>
internal static class NearestRank
{
    /// <summary>The <paramref name="p"/> percentile (0–1) of values sorted ascending; 0 for none.</summary>
    public static double Of(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
