namespace SyncKit.Simulation;

/// <summary>
/// The steps of one seed: the last ones kept for a failure's report (all of them with <c>--trace</c>), every one folded
/// into a fingerprint, so two runs of a seed can be compared step for step.
/// </summary>
internal sealed class Trace(bool keepAll)
{
    private const int Kept = 60;
    private readonly Queue<string> _recent = new();
    private ulong _fingerprint = 14695981039346656037;

    public int Steps { get; private set; }

    /// <summary>FNV-1a over every step's text: equal for two runs of a seed that took the same steps.</summary>
    public string Fingerprint => _fingerprint.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    public void Add(string step)
    {
        Steps++;
        var line = $"{Steps,6} {step}";
        foreach (var c in line)
        {
            _fingerprint = (_fingerprint ^ c) * 1099511628211;
        }

        if (keepAll)
        {
            Console.WriteLine(line);
            return;
        }

        _recent.Enqueue(line);
        if (_recent.Count > Kept)
        {
            _recent.Dequeue();
        }
    }

    public IEnumerable<string> Recent => _recent;
}

/// <summary>A broken guarantee: the simulation stops the seed and reports it with the steps that led there.</summary>
internal sealed class ViolationException(string message) : Exception(message);
